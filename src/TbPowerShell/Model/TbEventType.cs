namespace TbPowerShell;

/// <summary>Which kinds of values <c>Get-TbEvent</c> emits.</summary>
public enum TbEventType
{
    /// <summary>Scalars (<see cref="TbScalarEvent"/>), old (<c>simple_value</c>) and new (scalar tensor) encodings alike.</summary>
    Scalar,

    /// <summary>Images (<see cref="TbImageEvent"/>).</summary>
    Image,

    /// <summary>Audio clips (<see cref="TbAudioEvent"/>).</summary>
    Audio,

    /// <summary>Text (<see cref="TbTextEvent"/>).</summary>
    Text,

    /// <summary>Histograms (<see cref="TbHistogramEvent"/>).</summary>
    Histogram,

    /// <summary>Every other tensor value (<see cref="TbTensorEvent"/>): pr curves, meshes, layouts, ...</summary>
    Tensor,

    /// <summary>Hyperparameters (<see cref="TbHyperparameterEvent"/>): experiments, session starts and ends of the hparams plugin.</summary>
    Hyperparameter,

    /// <summary>Graphs (<see cref="TbGraphEvent"/>): a run's GraphDef (tag <c>__run_graph__</c>) and tagged run metadata.</summary>
    Graph,

    /// <summary>Meshes (<see cref="TbMeshEvent"/>): the vertices, faces and colours of one mesh and step as one object.</summary>
    Mesh,

    /// <summary>Precision-recall curves (<see cref="TbPrCurveEvent"/>).</summary>
    PrCurve,

    /// <summary>Custom-scalars layouts (<see cref="TbLayoutEvent"/>).</summary>
    Layout,

    /// <summary>Every kind above.</summary>
    All,
}
