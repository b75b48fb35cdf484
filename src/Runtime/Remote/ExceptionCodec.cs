using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Runtime.ExceptionServices;
using MessagePack;

namespace ParallelGen.Remote;

/// <summary>
/// How an exception crosses to the caller: the worker writes its type, message and stack trace; the caller rebuilds
/// the original type when it is loaded there and can be created: through a (message, inner) or (message) constructor,
/// or a parameterless one with the message set afterwards, and a <see cref="WorkerException"/> otherwise. Either way the worker's stack trace is attached as the exception's remote
/// stack trace. Only exception types are created, never arbitrary types.
/// </summary>
internal static class ExceptionCodec
{
    // Exception.Message reads this field (null → the type's default message) unless the type overrides Message.
    private static readonly FieldInfo? s_messageField =
        typeof(Exception).GetField("_message", BindingFlags.Instance | BindingFlags.NonPublic) is { FieldType: var t } f && t == typeof(string) ? f : null;

    internal static void Write(ref MessagePackWriter writer, Exception exception)
    {
        writer.Write(exception.GetType().AssemblyQualifiedName);
        writer.Write(exception.GetType().FullName);
        writer.Write(exception.Message);
        writer.Write(exception.StackTrace);
        writer.Write(exception.ToString());
    }

    /// <summary>
    /// The framework's common exception types, created without reflection: where the lookup by name finds nothing (a
    /// Native AOT or trimmed program keeps no reflection data for them) they still arrive with their own type.
    /// </summary>
    private static Exception? KnownException(string fullName, string message) => fullName switch
    {
        "System.Exception" => new Exception(message),
        "System.ArgumentException" => new ArgumentException(message, (Exception?)null),
        "System.ArgumentNullException" => new ArgumentNullException(message, (Exception?)null),
        "System.ArgumentOutOfRangeException" => new ArgumentOutOfRangeException(message, (Exception?)null),
        "System.InvalidOperationException" => new InvalidOperationException(message),
        "System.NotSupportedException" => new NotSupportedException(message),
        "System.NotImplementedException" => new NotImplementedException(message),
        "System.FormatException" => new FormatException(message),
        "System.IndexOutOfRangeException" => new IndexOutOfRangeException(message),
        "System.DivideByZeroException" => new DivideByZeroException(message),
        "System.OverflowException" => new OverflowException(message),
        "System.NullReferenceException" => new NullReferenceException(message),
        "System.InvalidCastException" => new InvalidCastException(message),
        "System.TimeoutException" => new TimeoutException(message),
        "System.UnauthorizedAccessException" => new UnauthorizedAccessException(message),
        "System.Collections.Generic.KeyNotFoundException" => new System.Collections.Generic.KeyNotFoundException(message),
        "System.IO.IOException" => new System.IO.IOException(message),
        "System.IO.FileNotFoundException" => new System.IO.FileNotFoundException(message),
        "System.IO.DirectoryNotFoundException" => new System.IO.DirectoryNotFoundException(message),
        _ => null,
    };

    /// <summary>Rebuilds an exception written by <see cref="Write"/> in the worker with process id <paramref name="processId"/>.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2057", Justification =
        "Only exception types the program still has are rebuilt; a type (or constructor) the trimmer removed is not found, and the exception arrives as WorkerException with the type's name.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "As above: a constructor the trimmer removed is not found, and WorkerException is used.")]
    internal static Exception Read(ref MessagePackReader reader, int processId)
    {
        string? assemblyQualifiedName = reader.ReadString();
        string fullName = reader.ReadString() ?? "System.Exception";
        string message = reader.ReadString() ?? "";
        string? stackTrace = reader.ReadString();
        string description = reader.ReadString() ?? "";

        Exception? rebuilt = null;
        Type? type = assemblyQualifiedName is null ? null : Type.GetType(assemblyQualifiedName, throwOnError: false);
        if (type is not null && typeof(Exception).IsAssignableFrom(type) && !type.IsAbstract)
        {
            try
            {
                if (type.GetConstructor([typeof(string), typeof(Exception)]) is { } withInner)
                {
                    rebuilt = (Exception)withInner.Invoke([message, null]);
                }
                else if (type.GetConstructor([typeof(string)]) is { } withMessage)
                {
                    rebuilt = (Exception)withMessage.Invoke([message]);
                }
                else if (type.GetConstructor(Type.EmptyTypes) is { } parameterless && s_messageField is not null)
                {
                    rebuilt = (Exception)parameterless.Invoke(null);
                    s_messageField.SetValue(rebuilt, message);
                }
            }
            catch (Exception ex) when (ex is TargetInvocationException or MemberAccessException or ArgumentException)
            {
                rebuilt = null;
            }
        }

        rebuilt ??= KnownException(fullName, message) ?? new WorkerException(fullName, message, description);
        rebuilt.Data["ParallelGen.WorkerProcessId"] = processId;
        string remote = (stackTrace ?? "") + Environment.NewLine + string.Create(CultureInfo.InvariantCulture, $"--- end of stack trace in ParallelGen worker process {processId} ---");
        return ExceptionDispatchInfo.SetRemoteStackTrace(rebuilt, remote);
    }
}
