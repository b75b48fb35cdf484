using System;
using System.Buffers.Binary;

namespace ParallelGen;

/// <summary>
/// Reproducible randomness for parallel code: one independent generator per task, derived from a root seed and the
/// task's index alone, so the numbers are the same for any <c>Jobs</c>, backend, batch size or completion order
/// (what NumPy's <c>SeedSequence.spawn</c> gives joblib users).
/// </summary>
/// <remarks>
/// <para>
/// <c>ParallelRandom.For(rootSeed, index)</c> hashes (root, index) with SplitMix64's finalizer into a 64-bit seed —
/// distinct for distinct indices of one root — and expands it with SplitMix64 into the 256-bit state of a
/// xoshiro256** generator (period 2^256 − 1). It is a <see cref="Random"/>, so it drops in where one is used; it is not
/// thread-safe (one per task) and not cryptographic.
/// </para>
/// <para>
/// The task's index has to reach the body: make it (part of) the item, e.g.
/// <c>CountInsideParallel(Enumerable.Range(0, chunks))</c> with <c>[Parallelize] static long CountInside(int chunk)</c>
/// calling <c>ParallelRandom.For(Seed, chunk)</c>, or <c>items.Select((item, i) =&gt; (i, item))</c>.
/// </para>
/// </remarks>
public sealed class ParallelRandom : Random
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    private ParallelRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>The generator of task <paramref name="index"/> under <paramref name="rootSeed"/>.</summary>
    /// <param name="rootSeed">The seed of the whole computation.</param>
    /// <param name="index">The task's index (its item's position, a chunk number...).</param>
    /// <returns>A new generator; the same arguments always give the same sequence, on any machine.</returns>
    public static ParallelRandom For(long rootSeed, long index) => new(DeriveSeed(rootSeed, index));

    /// <summary>
    /// The 64-bit seed <see cref="For"/> starts task <paramref name="index"/> from: distinct for distinct indices of
    /// one root. Use it to seed another generator.
    /// </summary>
    /// <param name="rootSeed">The seed of the whole computation.</param>
    /// <param name="index">The task's index.</param>
    /// <returns>The derived seed.</returns>
    public static ulong DeriveSeed(long rootSeed, long index) =>
        // Mix is a bijection and Golden is odd: for one root, distinct indices give distinct seeds.
        Mix(Mix((ulong)rootSeed) + (Golden * ((ulong)index + 1)));

    /// <summary>The next 64 random bits.</summary>
    /// <returns>A uniformly distributed 64-bit value.</returns>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <inheritdoc/>
    public override int Next()
    {
        while (true)
        {
            int value = (int)(NextUInt64() >> 33); // 31 bits; int.MaxValue is excluded, as Random promises
            if (value != int.MaxValue)
            {
                return value;
            }
        }
    }

    /// <inheritdoc/>
    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (int)NextBelow((ulong)maxValue);
    }

    /// <inheritdoc/>
    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return (int)((long)minValue + (long)NextBelow((ulong)((long)maxValue - minValue)));
    }

    /// <inheritdoc/>
    public override long NextInt64()
    {
        while (true)
        {
            long value = (long)(NextUInt64() >> 1);
            if (value != long.MaxValue)
            {
                return value;
            }
        }
    }

    /// <inheritdoc/>
    public override long NextInt64(long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (long)NextBelow((ulong)maxValue);
    }

    /// <inheritdoc/>
    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return unchecked(minValue + (long)NextBelow((ulong)(maxValue - minValue)));
    }

    /// <inheritdoc/>
    public override double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <inheritdoc/>
    public override float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1U << 24));

    /// <inheritdoc/>
    public override void NextBytes(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        NextBytes(buffer.AsSpan());
    }

    /// <inheritdoc/>
    public override void NextBytes(Span<byte> buffer)
    {
        while (buffer.Length >= 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buffer, NextUInt64());
            buffer = buffer[8..];
        }

        if (!buffer.IsEmpty)
        {
            Span<byte> last = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(last, NextUInt64());
            last[..buffer.Length].CopyTo(buffer);
        }
    }

    /// <inheritdoc/>
    protected override double Sample() => NextDouble();

    /// <summary>A uniform value in [0, bound) (0 when bound is 0), by Lemire's multiply-and-reject.</summary>
    private ulong NextBelow(ulong bound)
    {
        if (bound <= 1)
        {
            return 0;
        }

        ulong threshold = (0 - bound) % bound;
        while (true)
        {
            ulong high = Math.BigMul(NextUInt64(), bound, out ulong low);
            if (low >= threshold)
            {
                return high;
            }
        }
    }

    private static ulong SplitMix(ref ulong state) => Mix(state += Golden);

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
