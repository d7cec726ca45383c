using System.Globalization;
using System.Text;

namespace TbPowerShell.Core.Summaries;

/// <summary>
/// One field of a protobuf text-format message (<c>projector_config.pbtxt</c>): a scalar kept as the token it was
/// written as (a quoted string, a number, an enum name), or a nested message. Kept generic so that fields we do not
/// model (bookmarks, checkpoints, tensor shapes) survive an append unchanged.
/// </summary>
/// <param name="Name">The field's name.</param>
/// <param name="Token">A scalar's token as written (strings quoted and escaped); null for a message.</param>
/// <param name="Fields">A message's fields; null for a scalar.</param>
public sealed record TextField(string Name, string? Token, List<TextField>? Fields)
{
    /// <summary>A string field, quoted and escaped as protobuf's Python text format writes it.</summary>
    public static TextField String(string name, string value) => new(name, ProjectorConfig.Quote(value), null);

    /// <summary>An integer field.</summary>
    public static TextField Integer(string name, long value) => new(name, value.ToString(CultureInfo.InvariantCulture), null);

    /// <summary>A message field.</summary>
    public static TextField Message(string name, params TextField[] fields) => new(name, null, fields.ToList());

    /// <summary>The value of a string field (unquoted and unescaped); the token itself for an unquoted scalar.</summary>
    public string? StringValue => Token is null ? null : ProjectorConfig.Unquote(Token);

    /// <summary>The first field named <paramref name="name"/> of this message, or null.</summary>
    public TextField? Field(string name) => Fields?.FirstOrDefault(f => f.Name == name);

    /// <summary>Every field named <paramref name="name"/> of this message, in order.</summary>
    public IEnumerable<TextField> All(string name) => Fields?.Where(f => f.Name == name) ?? Enumerable.Empty<TextField>();
}

/// <summary>
/// The projector's configuration (<c>projector_config.pbtxt</c>, a <c>ProjectorConfig</c> message in protobuf text
/// format): parsed into <see cref="TextField"/>s and written back exactly as Python's <c>text_format.MessageToString</c>
/// writes it (two-space indents, fields in the order held, strings C-escaped with octal escapes for non-ASCII bytes).
/// </summary>
public sealed class ProjectorConfig
{
    /// <summary>The file's name in a run directory.</summary>
    public const string FileName = "projector_config.pbtxt";

    /// <summary>The top-level fields (<c>embeddings</c>, <c>model_checkpoint_path</c>, ...).</summary>
    public List<TextField> Fields { get; } = new();

    /// <summary>The <c>embeddings</c> messages, in order.</summary>
    public IEnumerable<TextField> Embeddings => Fields.Where(f => f.Name == "embeddings" && f.Fields is not null);

    /// <summary>
    /// Adds an embedding, replacing one with the same <c>tensor_name</c> (its files were just overwritten), after the
    /// last embedding held (so <c>model_checkpoint_dir</c>, field 3, stays after the embeddings, field 2).
    /// </summary>
    public void AddEmbedding(TextField embedding)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        string? name = embedding.Field("tensor_name")?.StringValue;
        int same = name is null ? -1 : Fields.FindIndex(f => f.Name == "embeddings" && f.Field("tensor_name")?.StringValue == name);
        if (same >= 0)
        {
            Fields[same] = embedding;
            return;
        }
        int last = Fields.FindLastIndex(f => f.Name == "embeddings");
        int at = last >= 0 ? last + 1 : Fields.FindIndex(f => f.Name != "model_checkpoint_path");
        Fields.Insert(at < 0 ? Fields.Count : at, embedding);
    }

    /// <summary>The configuration as text, as Python's <c>text_format.MessageToString</c> writes it.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        Append(text, Fields, 0);
        return text.ToString();
    }

    private static void Append(StringBuilder text, List<TextField> fields, int indent)
    {
        foreach (var field in fields)
        {
            text.Append(' ', indent).Append(field.Name);
            if (field.Fields is null)
            {
                text.Append(": ").Append(field.Token).Append('\n');
                continue;
            }
            text.Append(" {\n");
            Append(text, field.Fields, indent + 2);
            text.Append(' ', indent).Append("}\n");
        }
    }

    /// <summary>Parses protobuf text format (fields, nested messages with braces or angle brackets, lists in brackets, comments).</summary>
    /// <exception cref="FormatException">The text is not protobuf text format.</exception>
    public static ProjectorConfig Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var config = new ProjectorConfig();
        var tokens = new Tokenizer(text);
        config.Fields.AddRange(ParseFields(tokens, null));
        return config;
    }

    private static List<TextField> ParseFields(Tokenizer tokens, string? closing)
    {
        var fields = new List<TextField>();
        while (true)
        {
            string? token = tokens.Next();
            if (token is null)
            {
                if (closing is not null)
                {
                    throw new FormatException($"The text ends inside a message: '{closing}' expected.");
                }
                return fields;
            }
            if (token == closing)
            {
                return fields;
            }
            if (!IsName(token))
            {
                throw new FormatException($"A field name was expected at line {tokens.Line}, not '{token}'.");
            }
            string? next = tokens.Next();
            bool colon = next == ":";
            if (colon)
            {
                next = tokens.Next();
            }
            switch (next)
            {
                case "{":
                    fields.Add(new TextField(token, null, ParseFields(tokens, "}")));
                    break;
                case "<":
                    fields.Add(new TextField(token, null, ParseFields(tokens, ">")));
                    break;
                case "[" when colon:
                    ParseList(tokens, token, fields);
                    break;
                case null:
                    throw new FormatException($"The text ends after the field name '{token}'.");
                default:
                    if (!colon || next is ":" or "}" or ">" or "]" or "," or ";")
                    {
                        throw new FormatException($"The field '{token}' at line {tokens.Line} has no value.");
                    }
                    fields.Add(new TextField(token, next, null));
                    break;
            }
            tokens.SkipSeparator();
        }
    }

    private static void ParseList(Tokenizer tokens, string name, List<TextField> fields)
    {
        while (true)
        {
            string? token = tokens.Next();
            switch (token)
            {
                case null:
                    throw new FormatException($"The list of '{name}' is not closed.");
                case "]":
                    return;
                case ",":
                    continue;
                case "{":
                    fields.Add(new TextField(name, null, ParseFields(tokens, "}")));
                    break;
                case "<":
                    fields.Add(new TextField(name, null, ParseFields(tokens, ">")));
                    break;
                default:
                    fields.Add(new TextField(name, token, null));
                    break;
            }
        }
    }

    private static bool IsName(string token) =>
        token.Length > 0 && (char.IsLetter(token[0]) || token[0] == '_' || token[0] == '[') && token.All(c => char.IsLetterOrDigit(c) || c is '_' or '.' or '[' or ']' or '/');

    /// <summary>Quotes <paramref name="value"/> as Python's text format does: UTF-8 bytes, C escapes, octal for the rest.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder("\"");
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            switch (b)
            {
                case (byte)'\t': text.Append("\\t"); break;
                case (byte)'\n': text.Append("\\n"); break;
                case (byte)'\r': text.Append("\\r"); break;
                case (byte)'"': text.Append("\\\""); break;
                case (byte)'\'': text.Append("\\'"); break;
                case (byte)'\\': text.Append("\\\\"); break;
                default:
                    if (b < 32 || b >= 127)
                    {
                        text.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
                    }
                    else
                    {
                        text.Append((char)b);
                    }
                    break;
            }
        }
        return text.Append('"').ToString();
    }

    /// <summary>The value of a quoted token (escapes resolved, adjacent quoted parts joined); an unquoted token as it is.</summary>
    public static string Unquote(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length == 0 || (token[0] != '"' && token[0] != '\''))
        {
            return token;
        }
        var bytes = new List<byte>();
        int i = 0;
        while (i < token.Length)
        {
            char quote = token[i];
            if (quote != '"' && quote != '\'')
            {
                i++;
                continue;
            }
            i++;
            while (i < token.Length && token[i] != quote)
            {
                char c = token[i++];
                if (c != '\\' || i >= token.Length)
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
                    continue;
                }
                char e = token[i++];
                switch (e)
                {
                    case 'n': bytes.Add((byte)'\n'); break;
                    case 't': bytes.Add((byte)'\t'); break;
                    case 'r': bytes.Add((byte)'\r'); break;
                    case 'a': bytes.Add(7); break;
                    case 'b': bytes.Add(8); break;
                    case 'f': bytes.Add(12); break;
                    case 'v': bytes.Add(11); break;
                    case 'x':
                    {
                        int start = i;
                        while (i < token.Length && i - start < 2 && Uri.IsHexDigit(token[i]))
                        {
                            i++;
                        }
                        bytes.Add(Convert.ToByte(token[start..i], 16));
                        break;
                    }
                    case >= '0' and <= '7':
                    {
                        int start = i - 1;
                        while (i < token.Length && i - start < 3 && token[i] is >= '0' and <= '7')
                        {
                            i++;
                        }
                        bytes.Add((byte)Convert.ToInt32(token[start..i], 8));
                        break;
                    }
                    default: bytes.AddRange(Encoding.UTF8.GetBytes(e.ToString())); break;
                }
            }
            i++;
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private sealed class Tokenizer
    {
        private readonly string _text;
        private int _at;

        public Tokenizer(string text) => _text = text;

        public int Line => 1 + _text.AsSpan(0, Math.Min(_at, _text.Length)).Count('\n');

        public void SkipSeparator()
        {
            SkipSpace();
            if (_at < _text.Length && _text[_at] is ',' or ';')
            {
                _at++;
            }
        }

        public string? Next()
        {
            SkipSpace();
            if (_at >= _text.Length)
            {
                return null;
            }
            char c = _text[_at];
            if (c is '{' or '}' or '<' or '>' or ':' or ',' or ';' or ']')
            {
                _at++;
                return c.ToString();
            }
            if (c == '[' && !(_at + 1 < _text.Length && (char.IsLetter(_text[_at + 1]) || _text[_at + 1] == '_')))
            {
                _at++;
                return "[";
            }
            int start = _at;
            if (c is '"' or '\'')
            {
                // Adjacent quoted strings are one value.
                do
                {
                    char quote = _text[_at++];
                    while (_at < _text.Length && _text[_at] != quote)
                    {
                        if (_text[_at] == '\n')
                        {
                            throw new FormatException($"A string at line {Line} is not closed.");
                        }
                        _at += _text[_at] == '\\' ? 2 : 1;
                    }
                    if (_at >= _text.Length)
                    {
                        throw new FormatException("A string is not closed at the end of the text.");
                    }
                    _at++;
                    SkipSpace();
                }
                while (_at < _text.Length && _text[_at] is '"' or '\'');
                return _text[start.._at].TrimEnd();
            }
            if (c == '[')
            {
                // An extension or Any type URL: [name.space.Type]
                int close = _text.IndexOf(']', _at);
                _at = close < 0 ? _text.Length : close + 1;
                return _text[start.._at];
            }
            while (_at < _text.Length && !char.IsWhiteSpace(_text[_at]) && _text[_at] is not ('{' or '}' or '<' or '>' or ':' or ',' or ';' or '[' or ']' or '#' or '"' or '\''))
            {
                _at++;
            }
            if (_at == start)
            {
                throw new FormatException($"Unexpected character '{c}' at line {Line}.");
            }
            return _text[start.._at];
        }

        private void SkipSpace()
        {
            while (_at < _text.Length)
            {
                if (char.IsWhiteSpace(_text[_at]))
                {
                    _at++;
                }
                else if (_text[_at] == '#')
                {
                    int end = _text.IndexOf('\n', _at);
                    _at = end < 0 ? _text.Length : end + 1;
                }
                else
                {
                    return;
                }
            }
        }
    }
}
