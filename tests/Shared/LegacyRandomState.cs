namespace TbPowerShell.Tests.Shared;

/// <summary>
/// numpy's legacy <c>np.random.RandomState</c>: MT19937 seeded as <c>RandomState(seed)</c> seeds
/// it, with the legacy uniform, Gaussian (polar Box-Muller, second value cached) and normal
/// draws, so the fixture script's random inputs can be reproduced here exactly. Shared by the
/// test projects (linked, not copied); checked against numpy's output in TbPowerShell.Histogram.Tests.
/// </summary>
internal sealed class LegacyRandomState
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908b0dfU;
    private const uint UpperMask = 0x80000000U;
    private const uint LowerMask = 0x7fffffffU;

    private readonly uint[] _mt = new uint[N];
    private int _position;
    private bool _hasGauss;
    private double _gauss;

    /// <summary>An integer seed: numpy's <c>mt19937_seed</c> (Matsumoto and Nishimura's init_genrand).</summary>
    public LegacyRandomState(uint seed)
    {
        InitGenrand(seed);
    }

    /// <summary>An array seed: numpy's <c>mt19937_init_by_array</c>.</summary>
    public LegacyRandomState(uint[] key)
    {
        InitGenrand(19650218U);
        int i = 1, j = 0;
        for (int k = Math.Max(N, key.Length); k > 0; k--)
        {
            _mt[i] = (_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1664525U)) + key[j] + (uint)j;
            i++;
            j++;
            if (i >= N)
            {
                _mt[0] = _mt[N - 1];
                i = 1;
            }
            if (j >= key.Length)
            {
                j = 0;
            }
        }
        for (int k = N - 1; k > 0; k--)
        {
            _mt[i] = (_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1566083941U)) - (uint)i;
            i++;
            if (i >= N)
            {
                _mt[0] = _mt[N - 1];
                i = 1;
            }
        }
        _mt[0] = 0x80000000U;
        _position = N;
    }

    /// <summary>The next tempered 32-bit output.</summary>
    public uint NextUInt32()
    {
        if (_position >= N)
        {
            Generate();
        }
        uint y = _mt[_position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680U;
        y ^= (y << 15) & 0xefc60000U;
        y ^= y >> 18;
        return y;
    }

    /// <summary><c>random_sample()</c>: 53 random bits from two draws (27 and 26 bits), in [0, 1).</summary>
    public double RandomSample()
    {
        uint a = NextUInt32() >> 5;
        uint b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary><c>legacy_gauss</c>: polar Box-Muller; every second call returns the cached partner.</summary>
    public double Gauss()
    {
        if (_hasGauss)
        {
            _hasGauss = false;
            double cached = _gauss;
            _gauss = 0.0;
            return cached;
        }
        double x1, x2, r2;
        do
        {
            x1 = 2.0 * RandomSample() - 1.0;
            x2 = 2.0 * RandomSample() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        }
        while (r2 >= 1.0 || r2 == 0.0);
        double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        _gauss = f * x1;
        _hasGauss = true;
        return f * x2;
    }

    /// <summary><c>normal(loc, scale, size)</c>: <c>loc + scale * gauss</c> per draw.</summary>
    public double[] Normal(double loc, double scale, int size)
    {
        var result = new double[size];
        for (int i = 0; i < size; i++)
        {
            result[i] = loc + scale * Gauss();
        }
        return result;
    }

    /// <summary><c>uniform(low, high, size)</c>: <c>low + (high - low) * random_sample</c> per draw.</summary>
    public double[] Uniform(double low, double high, int size)
    {
        double range = high - low;
        var result = new double[size];
        for (int i = 0; i < size; i++)
        {
            result[i] = low + range * RandomSample();
        }
        return result;
    }

    /// <summary>
    /// <c>randint(low, high, size)</c> for the default int64 dtype: numpy's masked rejection sampling on 32-bit draws
    /// when <c>high - low - 1</c> fits in 32 bits (the only case implemented): each draw is a 32-bit output masked to
    /// the smallest all-ones mask covering the range, redrawn while above it.
    /// </summary>
    public long[] RandInt(long low, long high, int size)
    {
        ulong range = (ulong)(high - low - 1);
        if (high <= low || range > uint.MaxValue)
        {
            throw new NotSupportedException("Only ranges of 1 to 2^32 values are implemented.");
        }
        ulong mask = range;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        var result = new long[size];
        for (int i = 0; i < size; i++)
        {
            ulong v;
            if (range == 0)
            {
                v = 0;
            }
            else
            {
                while ((v = NextUInt32() & mask) > range)
                {
                }
            }
            result[i] = low + (long)v;
        }
        return result;
    }

    private void InitGenrand(uint seed)
    {
        _mt[0] = seed;
        for (int i = 1; i < N; i++)
        {
            _mt[i] = 1812433253U * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i;
        }
        _position = N;
    }

    private void Generate()
    {
        int k;
        uint y;
        for (k = 0; k < N - M; k++)
        {
            y = (_mt[k] & UpperMask) | (_mt[k + 1] & LowerMask);
            _mt[k] = _mt[k + M] ^ (y >> 1) ^ ((y & 1U) != 0 ? MatrixA : 0U);
        }
        for (; k < N - 1; k++)
        {
            y = (_mt[k] & UpperMask) | (_mt[k + 1] & LowerMask);
            _mt[k] = _mt[k + (M - N)] ^ (y >> 1) ^ ((y & 1U) != 0 ? MatrixA : 0U);
        }
        y = (_mt[N - 1] & UpperMask) | (_mt[0] & LowerMask);
        _mt[N - 1] = _mt[M - 1] ^ (y >> 1) ^ ((y & 1U) != 0 ? MatrixA : 0U);
        _position = 0;
    }
}
