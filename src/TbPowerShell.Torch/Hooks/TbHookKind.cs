namespace TbPowerShell.Torch;

/// <summary>Which hook a registration installs.</summary>
public enum TbHookKind
{
    /// <summary>After the module's forward pass: logs its output.</summary>
    Forward,

    /// <summary>Before the module's forward pass: logs its input.</summary>
    ForwardPre,

    /// <summary>
    /// The gradient of the module's output: the forward hook keeps the output (with
    /// <c>retain_grad()</c>); once the user's <c>backward()</c> has run, the gradient is read at the
    /// module's next forward call (or at <see cref="TbHookRegistration.WriteGradients"/>, unregistering
    /// or closing the writer) and logged at the step of the forward pass that produced it, as
    /// &lt;name&gt;/grad (histogram) and &lt;name&gt;/grad_norm; for a tuple output, per tensor as
    /// &lt;name&gt;/branch&lt;i&gt;/grad.
    /// </summary>
    Gradient,
}
