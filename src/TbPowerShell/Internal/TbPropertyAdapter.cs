using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Linq.Expressions;
using System.Management.Automation;
using System.Reflection;

namespace TbPowerShell.Internal;

/// <summary>
/// Marks a property whose value PowerShell reads from another property of the same object. ConvertTo-Json reads the
/// .NET properties by reflection, while everything else in PowerShell (member access, Export-Csv, views, binding by
/// property name) reads them through <see cref="TbPropertyAdapter"/>; so a property can be one ISO 8601 string in
/// JSON (a <see cref="DateTimeOffset"/>) and the exact <see cref="TbTimestamp"/> everywhere else.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
internal sealed class PowerShellValueAttribute(string source) : Attribute
{
    /// <summary>The name of the property PowerShell reads instead.</summary>
    public string Source { get; } = source;
}

/// <summary>Counts, which event files store as doubles, as output objects give them.</summary>
internal static class Counts
{
    /// <summary>
    /// An Int64 when <paramref name="value"/> is whole (as counts are; <c>ConvertTo-Json</c> then writes 1000, not 1000.0),
    /// else the double itself.
    /// </summary>
    public static object WholeOrDouble(double value) =>
        Math.Abs(value) <= 9007199254740992d && value == Math.Floor(value) && !(value == 0 && double.IsNegative(value)) ? (object)(long)value : value;
}

/// <summary>
/// How PowerShell sees the module's output objects (registered for each of them in <c>TbPowerShell.types.ps1xml</c>):
/// their public properties in declaration order, where those marked <see cref="HiddenAttribute"/> are reachable by name
/// (<c>$e.File</c>) but not listed (so not in <c>Export-Csv</c>, <c>Select-Object *</c> or views), a property marked
/// <see cref="PowerShellValueAttribute"/> gives its source's value.
/// </summary>
public sealed class TbPropertyAdapter : PSPropertyAdapter
{
    private static readonly ConcurrentDictionary<Type, View> Views = new();

    /// <inheritdoc />
    public override Collection<PSAdaptedProperty> GetProperties(object baseObject)
    {
        var view = ViewOf(baseObject.GetType());
        var all = MarkHidden is null ? view.Listed : view.All;
        var properties = new Collection<PSAdaptedProperty>(new List<PSAdaptedProperty>(all.Length));
        foreach (var entry in all)
        {
            properties.Add(Property(entry));
        }
        return properties;
    }

    /// <inheritdoc />
    public override PSAdaptedProperty? GetProperty(object baseObject, string propertyName) =>
        ViewOf(baseObject.GetType()).ByName.TryGetValue(propertyName, out var entry) ? Property(entry) : null;

    /// <summary>
    /// Sets <see cref="PSMemberInfo"/>'s IsHidden, which PowerShell gives no public way to set for an adapted property, so
    /// hidden properties stay what <see cref="HiddenAttribute"/> makes them everywhere else: out of CSV, views and
    /// <c>Select-Object *</c>, listed by <c>Get-Member -Force</c>. Null if this PowerShell has no such setter; hidden properties
    /// are then not listed at all (still reachable by name).
    /// </summary>
    private static readonly Action<PSMemberInfo, bool>? MarkHidden = typeof(PSMemberInfo)
        .GetProperty("IsHidden", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)?.SetMethod is { } setter
        && setter.GetParameters() is [{ ParameterType: var t }] && t == typeof(bool)
            ? (Action<PSMemberInfo, bool>)setter.CreateDelegate(typeof(Action<PSMemberInfo, bool>))
            : null;

    private static PSAdaptedProperty Property(Entry entry)
    {
        var property = new PSAdaptedProperty(entry.Name, entry);
        if (entry.Hidden)
        {
            MarkHidden?.Invoke(property, true);
        }
        return property;
    }

    /// <inheritdoc />
    public override object? GetPropertyValue(PSAdaptedProperty adaptedProperty) =>
        ((Entry)adaptedProperty.Tag).Get(adaptedProperty.BaseObject);

    /// <inheritdoc />
    public override string GetPropertyTypeName(PSAdaptedProperty adaptedProperty) => ((Entry)adaptedProperty.Tag).TypeName;

    /// <inheritdoc />
    public override bool IsGettable(PSAdaptedProperty adaptedProperty) => true;

    /// <inheritdoc />
    public override bool IsSettable(PSAdaptedProperty adaptedProperty) => false;

    /// <inheritdoc />
    public override void SetPropertyValue(PSAdaptedProperty adaptedProperty, object value) =>
        throw new SetValueException($"The property '{adaptedProperty.Name}' of {adaptedProperty.BaseObject.GetType().Name} is read-only.");

    /// <summary>The names PowerShell lists for objects of <paramref name="type"/>, in order (for tests and docs).</summary>
    internal static IReadOnlyList<string> ListedNames(Type type) => ViewOf(type).Listed.Select(e => e.Name).ToList();

    private static View ViewOf(Type type) => Views.GetOrAdd(type, static t => new View(t));

    private sealed class View
    {
        public View(Type type)
        {
            var all = new List<Entry>();
            var listed = new List<Entry>();
            var byName = new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);
            // Declared on the type first, then inherited ones (an override replaces its base: the first name wins).
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length > 0 || property.GetMethod is null || byName.ContainsKey(property.Name))
                {
                    continue;
                }
                var source = Attribute.GetCustomAttribute(property, typeof(PowerShellValueAttribute), true) is PowerShellValueAttribute shown
                    ? type.GetProperty(shown.Source, BindingFlags.Public | BindingFlags.Instance)
                      ?? throw new InvalidOperationException($"{type.Name}.{property.Name} names a property {shown.Source} it does not have.")
                    : property;
                bool hidden = Attribute.IsDefined(property, typeof(HiddenAttribute), true);
                var entry = new Entry(property.Name, Getter(type, source), source.PropertyType.FullName!, hidden);
                byName.Add(property.Name, entry);
                all.Add(entry);
                if (!hidden)
                {
                    listed.Add(entry);
                }
            }
            All = [.. all];
            Listed = [.. listed];
            ByName = byName;
        }

        public Entry[] All { get; }

        public Entry[] Listed { get; }

        public Dictionary<string, Entry> ByName { get; }

        private static Func<object, object?> Getter(Type type, PropertyInfo property)
        {
            var instance = Expression.Parameter(typeof(object), "o");
            Expression value = Expression.Property(Expression.Convert(instance, type), property);
            return Expression.Lambda<Func<object, object?>>(Expression.Convert(value, typeof(object)), instance).Compile();
        }

    }

    private sealed record Entry(string Name, Func<object, object?> Get, string TypeName, bool Hidden);
}
