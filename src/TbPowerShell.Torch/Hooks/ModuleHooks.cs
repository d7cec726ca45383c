using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace TbPowerShell.Torch;

/// <summary>
/// Finds TorchSharp sub-modules by name, hooks them and keeps the live registrations. TorchSharp's
/// hook delegates are typed by each module's <c>Module&lt;T, TResult&gt;</c>; the matching delegate is
/// built by reflection, so any single-input module (tensor in, tensor or tuple of tensors out) can be
/// hooked. Hooks fire through <c>call()</c>, as in TorchSharp; each call goes to its
/// <see cref="TbHookRegistration"/>, which decides whether the step logs.
/// </summary>
// Only finding and hooking is here, so that what each kind of hook logs reads on its own: see
// FeatureMapHook, HistogramHook and StatsHook (through ActivationHook), and GradientHook.
public static class ModuleHooks
{
    private static readonly object s_gate = new();
    private static readonly List<TbHookRegistration> s_registrations = new();
    private static readonly HashSet<TbWriter> s_watchedWriters = new();

    /// <summary>Every registration not yet removed.</summary>
    public static IReadOnlyList<TbHookRegistration> Registrations
    {
        get
        {
            lock (s_gate)
            {
                return s_registrations.ToArray();
            }
        }
    }

    /// <summary>
    /// Every sub-module of <paramref name="root"/> (as <c>named_modules()</c> names them) whose name,
    /// with or without a wrapper's leading <c>module.</c>, satisfies <paramref name="nameMatches"/>.
    /// </summary>
    public static IReadOnlyList<(string Name, nn.Module Module)> Find(nn.Module root, Func<string, bool> nameMatches)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(nameMatches);
        return root.named_modules()
            .Where(m => nameMatches(m.name) || nameMatches(Unwrapped(m.name)))
            .Select(m => (m.name, m.module))
            .ToList();
    }

    /// <summary>Hooks the matching sub-modules; one registration per module. Closing the writer removes them.</summary>
    /// <exception cref="ArgumentException">A matching module does not take exactly one input.</exception>
    public static IReadOnlyList<TbHookRegistration> Register(nn.Module root, Func<string, bool> nameMatches, TbWriter writer, TbHookOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Every < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Every, "Every must be at least 1.");
        }
        var registrations = new List<TbHookRegistration>();
        try
        {
            foreach (var (name, module) in Find(root, nameMatches))
            {
                var registration = new TbHookRegistration(name, Unwrapped(name), module.GetType().Name, writer, options);
                registration.Attach(Install(module, registration, options.Kind == TbHookKind.ForwardPre));
                registrations.Add(registration);
            }
        }
        catch
        {
            // All or nothing: hooks already installed on earlier modules would otherwise keep
            // logging with no registration to see or remove them.
            foreach (var registration in registrations)
            {
                registration.Remove();
            }
            bool writerHasHooks;
            lock (s_gate)
            {
                writerHasHooks = s_watchedWriters.Contains(writer);
            }
            if (!writerHasHooks)
            {
                HookWorker.Drain(writer); // the worker the failed registrations started
            }
            throw;
        }
        lock (s_gate)
        {
            s_registrations.AddRange(registrations);
            if (registrations.Count > 0 && s_watchedWriters.Add(writer))
            {
                writer.Closing += OnWriterClosing;
            }
        }
        return registrations;
    }

    internal static void Forget(TbHookRegistration registration)
    {
        lock (s_gate)
        {
            s_registrations.Remove(registration);
        }
    }

    private static string Unwrapped(string name) => name.StartsWith("module.", StringComparison.Ordinal) ? name["module.".Length..] : name;

    private static void OnWriterClosing(object? sender, EventArgs e)
    {
        if (sender is not TbWriter writer)
        {
            return;
        }
        TbHookRegistration[] mine;
        lock (s_gate)
        {
            mine = s_registrations.Where(r => r.Writer == writer).ToArray();
            s_watchedWriters.Remove(writer);
        }
        foreach (var registration in mine)
        {
            registration.Remove();
        }
        HookWorker.Drain(writer);
    }

    /// <summary>Registers the hook on <paramref name="module"/>; returns what removes it.</summary>
    private static Action Install(nn.Module module, TbHookRegistration registration, bool pre)
    {
        Type? baseType = module.GetType();
        while (baseType is not null && !(baseType.IsGenericType && baseType.GetGenericTypeDefinition() == typeof(nn.Module<,>)))
        {
            baseType = baseType.BaseType;
        }
        if (baseType is null)
        {
            throw new ArgumentException(
                $"The module '{registration.Name}' ({module.GetType().Name}) does not take exactly one input; only single-input modules can be hooked.");
        }
        var args = baseType.GetGenericArguments(); // T, TResult
        var callbacks = new Callbacks(registration);
        Delegate hook;
        MethodInfo register;
        if (pre)
        {
            var type = typeof(Func<,,>).MakeGenericType(baseType, args[0], args[0]);
            hook = Delegate.CreateDelegate(type, callbacks, typeof(Callbacks).GetMethod(nameof(Callbacks.Pre))!.MakeGenericMethod(args));
            register = baseType.GetMethod("register_forward_pre_hook", new[] { type })!;
        }
        else
        {
            var type = typeof(Func<,,,>).MakeGenericType(baseType, args[0], args[1], args[1]);
            hook = Delegate.CreateDelegate(type, callbacks, typeof(Callbacks).GetMethod(nameof(Callbacks.Post))!.MakeGenericMethod(args));
            register = baseType.GetMethod("register_forward_hook", new[] { type })!;
        }
        object remover = register.Invoke(module, new object[] { hook })!;
        var remove = remover.GetType().GetMethod("remove")!;
        return () => remove.Invoke(remover, null);
    }

    /// <summary>The delegates TorchSharp calls. They hand back the value they got, so nothing is replaced.</summary>
    private sealed class Callbacks
    {
        private readonly TbHookRegistration _registration;

        public Callbacks(TbHookRegistration registration) => _registration = registration;

        public TResult Post<T, TResult>(nn.Module<T, TResult> module, T input, TResult output)
        {
            _registration.OnForward(input, output);
            return output;
        }

        public T Pre<T, TResult>(nn.Module<T, TResult> module, T input)
        {
            _registration.OnForward(input, null);
            return input;
        }
    }
}
