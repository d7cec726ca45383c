using System.Text.Json;
using TbPowerShell.Core.Model;

namespace TbPowerShell.Board;

/// <summary>A PR curve as the board's PR curves cards read it: the columns of the curve, lowest threshold first.</summary>
internal static class BoardPrCurves
{
    /// <summary>Writes <c>numThresholds</c> and the arrays <c>thresholds</c>, <c>precision</c>, <c>recall</c>, <c>tp</c>, <c>fp</c>, <c>tn</c>, <c>fn</c>.</summary>
    public static void Write(Utf8JsonWriter w, PrCurveRecord curve)
    {
        w.WriteNumber("numThresholds", curve.NumThresholds);
        w.WriteStartArray("thresholds");
        for (var k = 0; k < curve.Columns; k++) w.WriteNumberValue(curve.Threshold(k));
        w.WriteEndArray();
        Array(w, "precision", curve.Precision);
        Array(w, "recall", curve.Recall);
        Array(w, "tp", curve.TruePositive);
        Array(w, "fp", curve.FalsePositive);
        Array(w, "tn", curve.TrueNegative);
        Array(w, "fn", curve.FalseNegative);
    }

    private static void Array(Utf8JsonWriter w, string name, double[] values)
    {
        w.WriteStartArray(name);
        // JSON has no NaN: a non-finite value (only a hand-written raw curve has one) is null.
        foreach (var v in values)
        {
            if (double.IsFinite(v)) w.WriteNumberValue(v);
            else w.WriteNullValue();
        }
        w.WriteEndArray();
    }
}
