using System;

namespace ParallelGen.Orleans;

/// <summary>A silo has no method with the id the driver sent (it runs another build of the application).</summary>
public sealed class MissingRemoteMethodException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MissingRemoteMethodException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is missing, naming the silo and the method.</param>
    public MissingRemoteMethodException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is missing.</param>
    /// <param name="innerException">The cause.</param>
    public MissingRemoteMethodException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A <see cref="Backend.Cluster"/> call could not get its batches run: no cluster was selected, or the silos kept
/// failing (died, became unreachable, did not answer in time) after <see cref="ClusterTarget.MaxRetries"/> re-runs
/// on other silos. The inner exception is the last failure Orleans reported.
/// </summary>
public sealed class ClusterUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    public ClusterUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The last failure Orleans reported.</param>
    public ClusterUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Inside the cluster backend: the silo a batch was sent to is gone (the batch is run again elsewhere).</summary>
internal sealed class SiloLostException : Exception
{
    public SiloLostException()
    {
    }

    public SiloLostException(string message)
        : base(message)
    {
    }

    public SiloLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
