using TorchSharp;
using static TorchSharp.torch;

namespace TbPowerShell.Torch.Tests;

/// <summary>
/// TensorData: every dtype and layout copied out exactly (after the dtype's own rounding), the
/// caller's tensor and autograd graph untouched, nothing left alive in native memory.
/// </summary>
public class TensorDataTests
{
    // Values that each dtype rounds in its own way: 0.1 and 1/3 are inexact everywhere, 65504 is
    // float16's largest finite value, 1e-8 is below float16's smallest subnormal, 3.14159265 keeps
    // 3 significant digits in bfloat16.
    private static readonly double[] Source = { 0, -0.0, 0.1, -1.0 / 3, 1.5, 65504, 1e-8, 3.14159265358979, -2.5, 1234.5678 };

    [TorchFact]
    public void Float32ValuesAreCopiedExactly()
    {
        var values = Array.ConvertAll(Source, v => (float)v);
        using var t = tensor(values);
        Assert.Equal(values, TensorData.ToFloats(t, out long[] shape));
        Assert.Equal(new long[] { values.Length }, shape);
        Assert.Equal(Array.ConvertAll(values, v => (double)v), TensorData.ToDoubles(t, out _));
        // -0.0 keeps its sign
        Assert.True(float.IsNegative(TensorData.ToFloats(t, out _)[1]));
    }

    [TorchFact]
    public void Float64KeepsDoublePrecisionInToDoublesAndRoundsToFloat32InToFloats()
    {
        double[] values = { 0.1, 1.0 / 3, 1e-300, 9007199254740993.0, double.Epsilon, -1e308 };
        using var t = tensor(values);
        Assert.Equal(values, TensorData.ToDoubles(t, out _));
        Assert.Equal(Array.ConvertAll(values, v => (float)v), TensorData.ToFloats(t, out _));
    }

    [TorchFact]
    public void Float16ValuesAreTheFloat16Roundings()
    {
        using var source = tensor(Source);
        using var t = source.to_type(ScalarType.Float16);
        // System.Half rounds to nearest even, as libtorch does; 1e-8 flushes to 0, 65504 stays.
        var expected = Array.ConvertAll(Source, v => (float)(Half)v);
        Assert.Equal(expected, TensorData.ToFloats(t, out _));
        Assert.Equal(Array.ConvertAll(expected, v => (double)v), TensorData.ToDoubles(t, out _));
        Assert.Equal(0.0999755859375f, expected[2]); // the rounding really happened
    }

    [TorchFact]
    public void BFloat16ValuesAreTheBfloat16Roundings()
    {
        using var source = tensor(Array.ConvertAll(Source, v => (float)v));
        using var t = source.to_type(ScalarType.BFloat16);
        var expected = Array.ConvertAll(Source, v => BFloat16((float)v));
        Assert.Equal(expected, TensorData.ToFloats(t, out _));
        Assert.Equal(Array.ConvertAll(expected, v => (double)v), TensorData.ToDoubles(t, out _));
        Assert.Equal(3.140625f, expected[7]);
    }

    [TorchFact]
    public void Int8ValuesAreExact() =>
        AssertIntegers(tensor(new sbyte[] { -128, -1, 0, 1, 127 }), new double[] { -128, -1, 0, 1, 127 });

    [TorchFact]
    public void Int16ValuesAreExact() =>
        AssertIntegers(tensor(new short[] { short.MinValue, -300, 0, 300, short.MaxValue }), new double[] { -32768, -300, 0, 300, 32767 });

    [TorchFact]
    public void Int32ValuesAreExactInDoublesAndRoundedInFloats()
    {
        int[] values = { int.MinValue, -16777217, 0, 16777217, int.MaxValue };
        using var t = tensor(values);
        Assert.Equal(Array.ConvertAll(values, v => (double)v), TensorData.ToDoubles(t, out _));
        // 2^24 + 1 has no float32: it rounds to even like a C# conversion
        Assert.Equal(Array.ConvertAll(values, v => (float)v), TensorData.ToFloats(t, out _));
        Assert.Equal(16777216f, TensorData.ToFloats(t, out _)[3]);
    }

    [TorchFact]
    public void Int64ValuesRoundLikeConversionsToDoubleAndFloat()
    {
        long[] values = { long.MinValue, -(1L << 53) - 1, -5, 0, (1L << 53) + 1, long.MaxValue };
        using var t = tensor(values);
        Assert.Equal(Array.ConvertAll(values, v => (double)v), TensorData.ToDoubles(t, out _));
        Assert.Equal(Array.ConvertAll(values, v => (float)v), TensorData.ToFloats(t, out _));
        Assert.Equal(9007199254740992.0, TensorData.ToDoubles(t, out _)[4]);
    }

    [TorchFact]
    public void UInt8ValuesAreExactAndToBytesTakesThemAsTheyAre()
    {
        byte[] values = { 0, 1, 127, 128, 254, 255 };
        using var t = tensor(values);
        Assert.True(TensorData.IsByteTensor(t));
        Assert.Equal(values, TensorData.ToBytes(t, out long[] shape));
        Assert.Equal(new long[] { 6 }, shape);
        Assert.Equal(Array.ConvertAll(values, v => (float)v), TensorData.ToFloats(t, out _));
        Assert.Equal(Array.ConvertAll(values, v => (double)v), TensorData.ToDoubles(t, out _));
    }

    [TorchFact]
    public void BoolValuesBecome0And1()
    {
        using var t = tensor(new[] { true, false, false, true });
        Assert.Equal(new[] { 1f, 0f, 0f, 1f }, TensorData.ToFloats(t, out _));
        Assert.Equal(new[] { 1.0, 0, 0, 1 }, TensorData.ToDoubles(t, out _));
        Assert.Equal(1.0, TensorData.ToScalar(t[0]));
        Assert.False(TensorData.IsByteTensor(t));
    }

    [TorchFact]
    public void IsTensorKnowsTensorsAndParametersByName()
    {
        using var t = zeros(2);
        using var p = new TorchSharp.Modules.Parameter(zeros(2));
        Assert.True(TensorData.IsTensor(t));
        Assert.True(TensorData.IsTensor(p));
        Assert.False(TensorData.IsTensor(new float[2]));
        Assert.False(TensorData.IsTensor(null));
        Assert.False(TensorData.IsTensor(nn.Linear(1, 1)));
    }

    [TorchFact]
    public void A0dTensorGivesOneValueAndAnEmptyShape()
    {
        using var t = tensor(2.5f);
        Assert.Equal(new[] { 2.5f }, TensorData.ToFloats(t, out long[] shape));
        Assert.Empty(shape);
        Assert.Equal(2.5, TensorData.ToScalar(t));
        Assert.Equal(new[] { 2.5 }, TensorData.ToDoubles(t, out shape));
        Assert.Empty(shape);
    }

    [TorchFact]
    public void Layouts1d2d4dAreFlattenedRowMajor()
    {
        var values = Enumerable.Range(0, 120).Select(i => i * 0.5f - 7f).ToArray();
        foreach (long[] dims in new[] { new long[] { 120 }, new long[] { 8, 15 }, new long[] { 2, 3, 4, 5 } })
        {
            using var t = tensor(values, dims);
            Assert.Equal(values, TensorData.ToFloats(t, out long[] shape));
            Assert.Equal(dims, shape);
            Assert.Equal(Array.ConvertAll(dims, d => (int)d), TensorData.IntShape(shape));
        }
    }

    [TorchFact]
    public void ATransposedViewIsReadInItsOwnRowMajorOrder()
    {
        // x[i, j] = 10 i + j, 3×4; x.T[j, i] = 10 i + j, read row by row of the view.
        var values = new float[12];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) values[i * 4 + j] = 10 * i + j;
        using var x = tensor(values, new long[] { 3, 4 });
        using var view = x.t();
        Assert.False(view.is_contiguous());
        var expected = new List<float>();
        for (int j = 0; j < 4; j++) for (int i = 0; i < 3; i++) expected.Add(10 * i + j);
        Assert.Equal(expected, TensorData.ToFloats(view, out long[] shape));
        Assert.Equal(new long[] { 4, 3 }, shape);
        Assert.Equal(expected.Select(v => (double)v), TensorData.ToDoubles(view, out _));
    }

    [TorchFact]
    public void SlicesWithStepsOffsetsExpandedAndPermutedViewsAreReadAsTheyLook()
    {
        var values = new double[2 * 3 * 4 * 5];
        for (int i = 0; i < values.Length; i++) values[i] = i * 1.25 - 30;
        using var x = tensor(values, new long[] { 2, 3, 4, 5 });
        double At(int a, int b, int c, int d) => values[((a * 3 + b) * 4 + c) * 5 + d];

        // x[1, :, 1:4:2, ::2]: shape 3×2×3, starts at an offset
        using (var slice = x[TensorIndex.Single(1), TensorIndex.Colon, TensorIndex.Slice(1, 4, 2), TensorIndex.Slice(null, null, 2)])
        {
            var expected = new List<double>();
            for (int b = 0; b < 3; b++) for (int c = 1; c < 4; c += 2) for (int d = 0; d < 5; d += 2) expected.Add(At(1, b, c, d));
            Assert.Equal(expected, TensorData.ToDoubles(slice, out long[] shape));
            Assert.Equal(new long[] { 3, 2, 3 }, shape);
        }

        // x.permute(3, 0, 2, 1): NCHW -> WNHC
        using (var permuted = x.permute(3, 0, 2, 1))
        {
            var expected = new List<float>();
            for (int d = 0; d < 5; d++) for (int a = 0; a < 2; a++) for (int c = 0; c < 4; c++) for (int b = 0; b < 3; b++) expected.Add((float)At(a, b, c, d));
            Assert.Equal(expected, TensorData.ToFloats(permuted, out long[] shape));
            Assert.Equal(new long[] { 5, 2, 4, 3 }, shape);
        }

        // a stride-0 broadcast: one row seen three times
        using (var row = tensor(new byte[] { 1, 2, 3 }))
        using (var expanded = row.expand(3, 3))
        {
            Assert.Equal(new byte[] { 1, 2, 3, 1, 2, 3, 1, 2, 3 }, TensorData.ToBytes(expanded, out long[] shape));
            Assert.Equal(new long[] { 3, 3 }, shape);
        }

        // a single element picked out of the middle
        using (var one = x[1, 2, 3, 4])
        {
            Assert.Equal(At(1, 2, 3, 4), TensorData.ToScalar(one));
        }
    }

    [TorchFact]
    public void ViewsOfReducedPrecisionDtypesConvertAfterTheirRounding()
    {
        using var x = arange(0, 24, dtype: ScalarType.Float32).reshape(4, 6).mul(0.1);
        using var half = x.to_type(ScalarType.Float16);
        using var view = half.t()[TensorIndex.Slice(1, null, 2)];
        var src = TensorData.ToFloats(x, out _);
        var expected = new List<float>();
        for (int j = 1; j < 6; j += 2) for (int i = 0; i < 4; i++) expected.Add((float)(Half)src[i * 6 + j]);
        Assert.Equal(expected, TensorData.ToFloats(view, out long[] shape));
        Assert.Equal(new long[] { 3, 4 }, shape);
    }

    [TorchFact]
    public void ToScalarTakesOneElementOfAnyRankAndRejectsMore()
    {
        using var a = tensor(new[] { 7.25f }, new long[] { 1, 1, 1 });
        Assert.Equal(7.25, TensorData.ToScalar(a));
        using var b = tensor((long)-3);
        Assert.Equal(-3.0, TensorData.ToScalar(b));
        using var c = tensor(new double[] { 0.1 });
        Assert.Equal(0.1, TensorData.ToScalar(c)); // float64 kept

        using var two = tensor(new[] { 1f, 2f });
        var e = Assert.Throws<ArgumentException>(() => TensorData.ToScalar(two));
        Assert.Contains("[2]", e.Message);
        using var none = zeros(0, 3);
        e = Assert.Throws<ArgumentException>(() => TensorData.ToScalar(none));
        Assert.Contains("[0, 3]", e.Message);
        Assert.Throws<ArgumentNullException>(() => TensorData.ToScalar(null!));
    }

    [TorchFact]
    public void TheCallersLeafTensorIsUntouched()
    {
        using var x = tensor(new[] { 1f, -2f, 3f }).requires_grad_(true);
        var before = (float[])TensorData.ToFloats(x, out _).Clone();
        Convert(x);
        Assert.False(x.IsInvalid);
        Assert.True(x.requires_grad);
        Assert.True(x.is_leaf);
        Assert.Equal(ScalarType.Float32, x.dtype);
        Assert.Equal(new[] { 1f, -2f, 3f }, x.data<float>().ToArray());
        Assert.Equal(before, x.data<float>().ToArray());
        Assert.Null(x.grad);
    }

    [TorchFact]
    public void ConvertingIntermediatesLeavesTheGraphSoBackwardGivesTheRightGradients()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 1f, -2f, 3f }).requires_grad_(true);
        var w = tensor(new[] { 0.5f, 4f, -1f }).requires_grad_(true);
        var y = x * w;                 // non-leaf, with a grad_fn
        var z = (y * y).sum();         // dz/dx = 2 y w, dz/dw = 2 y x
        Assert.False(y.is_leaf);

        Convert(y);
        Convert(z);
        Assert.Equal(new[] { 0.5f, -8f, -3f }, TensorData.ToFloats(y, out _));
        Assert.Equal(0.25 + 64 + 9, TensorData.ToScalar(z));
        Assert.True(y.requires_grad);
        Assert.False(y.is_leaf);
        Assert.True(z.requires_grad);

        z.backward();
        Assert.Equal(new[] { 2 * 0.5f * 0.5f, 2 * -8f * 4f, 2 * -3f * -1f }, x.grad!.data<float>().ToArray());
        Assert.Equal(new[] { 2 * 0.5f * 1f, 2 * -8f * -2f, 2 * -3f * 3f }, w.grad!.data<float>().ToArray());

        // reading the gradients leaves them as they are too
        Convert(x.grad!);
        Assert.Equal(new[] { 0.5f, -64f, 6f }, x.grad!.data<float>().ToArray());
    }

    [TorchFact]
    public void TensorsOfEveryDtypeKeepTheirDtypeAndValues()
    {
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64, ScalarType.Float16, ScalarType.BFloat16, ScalarType.Int8,
                                      ScalarType.Int16, ScalarType.Int32, ScalarType.Int64, ScalarType.Byte, ScalarType.Bool })
        {
            using var source = tensor(new[] { 0f, 1f, 2f, 3f }, new long[] { 2, 2 });
            using var t = source.to_type(dtype);
            using var copyBefore = t.clone();
            Convert(t);
            Assert.Equal(dtype, t.dtype);
            Assert.Equal(new long[] { 2, 2 }, t.shape);
            using var same = t.eq(copyBefore).all();
            Assert.True(same.item<bool>(), dtype.ToString());
        }
    }

    [TorchFact]
    public void ConversionsLeaveNoTensorAliveAndNothingInTheCallersDisposeScope()
    {
        using var a = randn(4, 3, 5, 5).requires_grad_(true);
        using var b = a.transpose(1, 3);                                        // non-contiguous, with grad_fn
        using var c = arange(0, 60, dtype: ScalarType.Int64).reshape(3, 20)[TensorIndex.Colon, TensorIndex.Slice(null, null, 3)];
        using var d = tensor(new byte[] { 1, 2, 3 });
        using var e = randn(3, 3).to_type(ScalarType.BFloat16);
        using var f = tensor(1.5);

        for (int round = 0; round < 2; round++) // the first round warms up whatever TorchSharp caches
        {
            // Earlier tests' garbage tensors are finalized (and uncounted) whenever the GC runs: settle that first.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            long liveBefore = Tensor.TotalCount;
            long threadLiveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            using (var scope = NewDisposeScope())
            {
                for (int i = 0; i < 100; i++)
                {
                    Convert(a);
                    Convert(b);
                    Convert(c);
                    TensorData.ToBytes(d, out _);
                    Convert(e);
                    TensorData.ToScalar(f);
                    Assert.Throws<ArgumentException>(() => TensorData.ToScalar(a));
                }
                // Nothing the conversions made was left in the caller's scope...
                Assert.Equal(0, scope.DisposablesCount);
            }
            // ...or anywhere else.
            Assert.Equal(liveBefore, Tensor.TotalCount);
            Assert.Equal(threadLiveBefore, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
    }

    [TorchFact]
    public void NullTensorsAreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => TensorData.ToFloats(null!, out _));
        Assert.Throws<ArgumentNullException>(() => TensorData.ToDoubles(null!, out _));
        Assert.Throws<ArgumentNullException>(() => TensorData.ToBytes(null!, out _));
    }

    private static void Convert(Tensor t)
    {
        TensorData.ToFloats(t, out _);
        TensorData.ToDoubles(t, out _);
        if (t.numel() == 1)
        {
            TensorData.ToScalar(t);
        }
    }

    private static void AssertIntegers(Tensor t, double[] expected)
    {
        using (t)
        {
            Assert.Equal(expected, TensorData.ToDoubles(t, out long[] shape));
            Assert.Equal(new long[] { expected.Length }, shape);
            Assert.Equal(Array.ConvertAll(expected, v => (float)v), TensorData.ToFloats(t, out _));
            Assert.False(TensorData.IsByteTensor(t));
        }
    }

    /// <summary>float32 → bfloat16 → float32 with round-to-nearest-even on the upper 16 bits (NaN aside).</summary>
    private static float BFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return BitConverter.UInt32BitsToSingle((bits + rounding) & 0xFFFF0000);
    }
}
