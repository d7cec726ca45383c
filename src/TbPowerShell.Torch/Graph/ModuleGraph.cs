using System.Reflection;
using System.Runtime.CompilerServices;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Summaries;
using static TorchSharp.torch;

namespace TbPowerShell.Torch.Graph;

/// <summary>
/// A TorchSharp module's structure as the <c>GraphDef</c> TensorBoard's graph dashboard draws, named as PyTorch's
/// <c>add_graph</c> names it: the module hierarchy as name scopes (<c>Net/Linear[fc1]</c>: type, then the attribute
/// name in brackets), a node per leaf module (<c>Net/Linear[fc1]/forward</c>, op = the module's type, its parameters'
/// shapes as attributes), a node per parameter (<c>Net/Linear[fc1]/weight/weight</c>, op <c>prim::GetAttr</c>), and
/// <c>input/&lt;name&gt;</c> and <c>output/output.N</c> nodes (op <c>IO Node</c>).
/// </summary>
/// <remarks>
/// PyTorch traces every operation with <c>torch.jit.trace</c>; TorchSharp has no tracer, so edges come from one
/// forward call with hooks on every module (under no_grad, in eval mode as PyTorch's trace runs): a module's inputs are
/// matched to the modules that produced them by tensor identity. What runs between modules (functional calls such as
/// <c>relu</c>) cannot be seen: a tensor no module produced comes from a <c>functional</c> node (op <c>Functional</c>) in
/// the scope of the module that ran it, fed by the most recent module output. Without example inputs there is no
/// forward call: leaf modules are chained in containment order, without shapes.
/// </remarks>
public static class ModuleGraph
{
    /// <summary>The op of a node that stands for computation no hook could see.</summary>
    public const string FunctionalOp = "Functional";

    /// <summary>The name (last part) of a leaf module's node.</summary>
    public const string ForwardNodeName = "forward";

    /// <summary>The name (last part) of a node that stands for computation no hook could see.</summary>
    public const string FunctionalNodeName = "functional";

    /// <summary>
    /// The graph of <paramref name="model"/>: traced through one forward call with <paramref name="inputs"/>, or in
    /// containment order when <paramref name="inputs"/> is null or empty.
    /// </summary>
    /// <exception cref="ArgumentException">The model cannot be called with that many tensors.</exception>
    /// <exception cref="ModuleGraphException">The forward call failed (the exception names the module).</exception>
    public static GraphDef Build(nn.Module model, IReadOnlyList<Tensor>? inputs = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var structure = new Structure(model);
        return inputs is null || inputs.Count == 0 ? structure.Contained() : new Tracer(structure).Trace(inputs);
    }

    /// <summary>The type name of a module as its scope shows it (<c>Linear</c>; generic arity dropped).</summary>
    public static string TypeName(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        string name = module.GetType().Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }

    /// <summary>True when the module has direct or nested parameters.</summary>
    public static bool HasParameters(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.parameters().Any();
    }

    /// <summary>The scopes and names of a model's modules, and the nodes made so far.</summary>
    private sealed class Structure
    {
        private readonly Dictionary<nn.Module, string[]> _parameterNodes = new(ReferenceEqualityComparer.Instance);

        public Structure(nn.Module model)
        {
            Model = model;
            Modules.Add(model, (TypeName(model), string.Empty));
            Order.Add(model);
            Walk(model, TypeName(model), string.Empty);
        }

        public nn.Module Model { get; }

        /// <summary>Every module (the model too): its scope and its dotted name.</summary>
        public Dictionary<nn.Module, (string Scope, string Name)> Modules { get; } = new(ReferenceEqualityComparer.Instance);

        /// <summary>The modules in containment order, the model first.</summary>
        public List<nn.Module> Order { get; } = new();

        public GraphDef Graph { get; } = GraphSummaries.NewGraph();

        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

        private void Walk(nn.Module module, string scope, string dotted)
        {
            foreach (var (name, child) in module.named_children())
            {
                if (Modules.ContainsKey(child))
                {
                    continue; // a module shared under two names keeps its first, as named_modules() does
                }
                string childScope = scope + "/" + TypeName(child) + "[" + name + "]";
                string childName = dotted.Length == 0 ? name : dotted + "." + name;
                Modules.Add(child, (childScope, childName));
                Order.Add(child);
                Walk(child, childScope, childName);
            }
        }

        public static bool IsLeaf(nn.Module module) => !module.named_children().Any();

        /// <summary>The nodes of a module's own parameters (made on first use), in order.</summary>
        public string[] ParameterNodes(nn.Module module)
        {
            if (_parameterNodes.TryGetValue(module, out var known))
            {
                return known;
            }
            string scope = Modules[module].Scope;
            var names = new List<string>();
            foreach (var (name, parameter) in module.named_parameters(recurse: false))
            {
                string node = GraphSummaries.UniqueName(scope + "/" + name + "/" + name, Names);
                Graph.Node.Add(GraphSummaries.Node(node, GraphSummaries.ParameterOp, outputShapes: new[] { parameter.shape },
                    attr: GraphSummaries.ParameterAttr(name)));
                names.Add(node);
            }
            return _parameterNodes[module] = names.ToArray();
        }

        /// <summary>A leaf module's node: op = its type, attributes = its parameters' shapes.</summary>
        public string AddLeaf(nn.Module module, IEnumerable<string> inputs, IReadOnlyList<long[]> outputShapes)
        {
            var parameters = ParameterNodes(module);
            string name = GraphSummaries.UniqueName(Modules[module].Scope + "/" + ForwardNodeName, Names);
            var shapes = module.named_parameters(recurse: false)
                .Where(p => p.name is not ("attr" or "_output_shapes"))
                .Select(p => new KeyValuePair<string, AttrValue>(p.name, GraphSummaries.Shape(p.parameter.shape)))
                .ToList();
            Graph.Node.Add(GraphSummaries.Node(name, TypeName(module), inputs.Concat(parameters), outputShapes, "{}", shapes));
            return name;
        }

        /// <summary>The graph without a forward call: the leaves chained in containment order.</summary>
        public GraphDef Contained()
        {
            string? previous = null;
            foreach (var module in Order.Where(IsLeaf))
            {
                previous = AddLeaf(module, previous is null ? Array.Empty<string>() : new[] { previous }, Array.Empty<long[]>());
            }
            return Graph;
        }
    }

    /// <summary>One forward call with a pre- and post-hook on every module, turning calls of leaf modules into nodes.</summary>
    private sealed class Tracer
    {
        private readonly Structure _s;
        private readonly Dictionary<Tensor, string> _producers = new(ReferenceEqualityComparer.Instance);
        private readonly Stack<(nn.Module Module, string[] Inputs)> _calls = new();
        private string? _lastProduced;

        public Tracer(Structure structure) => _s = structure;

        public GraphDef Trace(IReadOnlyList<Tensor> inputs)
        {
            var model = _s.Model;
            var (call, parameterNames) = Callable(model, inputs.Count);
            for (int i = 0; i < inputs.Count; i++)
            {
                string name = GraphSummaries.UniqueName("input/" + parameterNames[i], _s.Names);
                _s.Graph.Node.Add(GraphSummaries.Node(name, GraphSummaries.IONodeOp, outputShapes: new[] { inputs[i].shape }, attr: string.Empty));
                _producers.TryAdd(inputs[i], name);
                _lastProduced ??= name;
            }
            int outputsAt = _s.Graph.Node.Count;

            var removers = new List<Action>();
            bool training = model.training;
            object? result;
            try
            {
                foreach (var module in _s.Order)
                {
                    if (Install(module) is { } remove)
                    {
                        removers.Add(remove);
                    }
                }
                model.eval();
                using (no_grad())
                {
                    result = call(inputs.Cast<object>().ToArray());
                }
            }
            catch (Exception e)
            {
                var cause = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
                var failed = _calls.Count > 0 ? _calls.Peek().Module : model;
                var (scope, dotted) = _s.Modules.TryGetValue(failed, out var known) ? known : (TypeName(failed), string.Empty);
                throw new ModuleGraphException(dotted, TypeName(failed), scope, cause);
            }
            finally
            {
                foreach (var remove in removers)
                {
                    remove();
                }
                model.train(training);
            }

            var outputs = Flatten(result).ToList();
            var outputNodes = new List<NodeDef>();
            for (int i = 0; i < outputs.Count; i++)
            {
                string producer = Resolve(outputs[i], model);
                string name = GraphSummaries.UniqueName("output/output." + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), _s.Names);
                outputNodes.Add(GraphSummaries.Node(name, GraphSummaries.IONodeOp, new[] { producer }, new[] { outputs[i].shape }, string.Empty));
            }
            // PyTorch lists the input and output nodes first.
            for (int i = 0; i < outputNodes.Count; i++)
            {
                _s.Graph.Node.Insert(outputsAt + i, outputNodes[i]);
            }
            foreach (var output in outputs.Where(o => !inputs.Any(i => ReferenceEquals(i, o))))
            {
                output.Dispose();
            }
            return _s.Graph;
        }

        /// <summary>The node an input of a call comes from: the module output or model input it is, else a functional node in <paramref name="caller"/>'s scope.</summary>
        private string Resolve(Tensor tensor, nn.Module caller)
        {
            if (_producers.TryGetValue(tensor, out var producer))
            {
                return producer;
            }
            string scope = _s.Modules.TryGetValue(caller, out var known) ? known.Scope : TypeName(caller);
            string name = GraphSummaries.UniqueName(scope + "/" + FunctionalNodeName, _s.Names);
            _s.Graph.Node.Add(GraphSummaries.Node(name, FunctionalOp, _lastProduced is null ? null : new[] { _lastProduced },
                new[] { tensor.shape }, "{ note : computed between modules, where hooks cannot see (a functional call such as relu) }"));
            _producers[tensor] = name;
            _lastProduced = name;
            return name;
        }

        private void Enter(nn.Module module, object? input)
        {
            // Resolved on entry to any module, so that what its caller computed lands in the caller's scope, not in
            // the scope of the first leaf inside that takes it.
            var caller = _calls.Count > 0 ? _calls.Peek().Module : _s.Model;
            var resolved = Flatten(input).Select(t => Resolve(t, caller)).ToArray();
            _calls.Push((module, resolved));
        }

        private void Exit(nn.Module module, object? output)
        {
            if (_calls.Count == 0 || !ReferenceEquals(_calls.Peek().Module, module))
            {
                return;
            }
            var (_, inputs) = _calls.Pop();
            var outputs = Flatten(output).ToList();
            if (Structure.IsLeaf(module))
            {
                string name = _s.AddLeaf(module, inputs, outputs.Select(o => o.shape).ToList());
                for (int i = 0; i < outputs.Count; i++)
                {
                    _producers[outputs[i]] = i == 0 ? name : name + ":" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                _lastProduced = name;
                return;
            }
            // A container whose result no module made computed it itself: a functional node in its own scope.
            foreach (var t in outputs)
            {
                Resolve(t, module);
            }
        }

        /// <summary>Hooks <paramref name="module"/> when it takes one input (TorchSharp's hooks are typed per input count); returns what removes the hooks.</summary>
        private Action? Install(nn.Module module)
        {
            var baseType = GenericModuleBase(module, 2);
            if (baseType is null)
            {
                return null;
            }
            var args = baseType.GetGenericArguments();
            var preType = typeof(Func<,,>).MakeGenericType(baseType, args[0], args[0]);
            var postType = typeof(Func<,,,>).MakeGenericType(baseType, args[0], args[1], args[1]);
            var pre = Delegate.CreateDelegate(preType, this, typeof(Tracer).GetMethod(nameof(Pre), BindingFlags.NonPublic | BindingFlags.Instance)!.MakeGenericMethod(args));
            var post = Delegate.CreateDelegate(postType, this, typeof(Tracer).GetMethod(nameof(Post), BindingFlags.NonPublic | BindingFlags.Instance)!.MakeGenericMethod(args));
            object preRemover = baseType.GetMethod("register_forward_pre_hook", new[] { preType })!.Invoke(module, new object[] { pre })!;
            object postRemover = baseType.GetMethod("register_forward_hook", new[] { postType })!.Invoke(module, new object[] { post })!;
            return () =>
            {
                preRemover.GetType().GetMethod("remove")!.Invoke(preRemover, null);
                postRemover.GetType().GetMethod("remove")!.Invoke(postRemover, null);
            };
        }

        private T Pre<T, TResult>(nn.Module<T, TResult> module, T input)
        {
            Enter(module, input);
            return input;
        }

        private TResult Post<T, TResult>(nn.Module<T, TResult> module, T input, TResult output)
        {
            Exit(module, output);
            return output;
        }
    }

    /// <summary>How to call the model with <paramref name="count"/> tensors, and the names of its forward's parameters.</summary>
    private static (Func<object[], object?> Call, string[] Names) Callable(nn.Module model, int count)
    {
        var baseType = GenericModuleBase(model, count + 1);
        var args = baseType?.GetGenericArguments() ?? Array.Empty<Type>();
        if (baseType is null || args.Take(count).Any(a => !a.IsAssignableFrom(typeof(Tensor))))
        {
            throw new ArgumentException(
                $"The model ({TypeName(model)}) cannot be called with {count} tensor(s): it is not an nn.Module taking {count} tensor input(s).");
        }
        var call = baseType.GetMethod("call", args.Take(count).ToArray())!;
        var forward = model.GetType().GetMethod("forward", BindingFlags.Public | BindingFlags.Instance, args.Take(count).ToArray());
        var names = forward?.GetParameters().Select(p => p.Name ?? "input").ToArray() ?? Array.Empty<string>();
        if (names.Length != count)
        {
            names = Enumerable.Range(0, count).Select(i => count == 1 ? "input" : "input" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }
        return (a => call.Invoke(model, a), names);
    }

    /// <summary>The <c>nn.Module&lt;...&gt;</c> base of <paramref name="module"/> with <paramref name="arity"/> type arguments (inputs and result), or null.</summary>
    private static Type? GenericModuleBase(nn.Module module, int arity)
    {
        for (var type = module.GetType(); type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericArguments().Length == arity
                && type.GetGenericTypeDefinition().FullName?.StartsWith("TorchSharp.torch+nn+Module`", StringComparison.Ordinal) == true)
            {
                return type;
            }
        }
        return null;
    }

    /// <summary>The tensors in a value: a tensor, or the tensors of a tuple or list of them (nested), in order.</summary>
    private static IEnumerable<Tensor> Flatten(object? value)
    {
        switch (value)
        {
            case Tensor t:
                yield return t;
                break;
            case ITuple tuple:
                for (int i = 0; i < tuple.Length; i++)
                {
                    foreach (var t in Flatten(tuple[i]))
                    {
                        yield return t;
                    }
                }
                break;
            case System.Collections.IEnumerable items and not string:
                foreach (object? item in items)
                {
                    foreach (var t in Flatten(item))
                    {
                        yield return t;
                    }
                }
                break;
        }
    }
}
