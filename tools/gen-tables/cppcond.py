"""The C preprocessor conditions (#if/#ifdef/#elif/#else/#endif) that guard
each line of a file, and a three-valued evaluator for them.

A condition is a small tree: ("def", SYM), ("not", c), ("and", [c...]),
("or", [c...]), ("const", bool) or ("unknown", text). Evaluating against a
dict of known symbols gives True, False or None (cannot tell)."""

import re

TRUE = ("const", True)


def conj(items):
    items = [c for c in items if c != TRUE]
    if not items:
        return TRUE
    return items[0] if len(items) == 1 else ("and", items)


def parse_expr(text):
    """Parses a #if expression; what it cannot read becomes ("unknown", text)."""
    tokens = re.findall(r"defined|IS_ENABLED|IS_BUILTIN|\w+|&&|\|\||[!()]|\S+", text)
    try:
        expr, rest = _or(tokens)
        if rest:
            raise ValueError
        return expr
    except (ValueError, IndexError):
        return ("unknown", text.strip())


def _or(toks):
    left, toks = _and(toks)
    items = [left]
    while toks and toks[0] == "||":
        right, toks = _and(toks[1:])
        items.append(right)
    return (items[0] if len(items) == 1 else ("or", items)), toks


def _and(toks):
    left, toks = _unary(toks)
    items = [left]
    while toks and toks[0] == "&&":
        right, toks = _unary(toks[1:])
        items.append(right)
    return (items[0] if len(items) == 1 else ("and", items)), toks


def _unary(toks):
    tok = toks[0]
    if tok == "!":
        inner, rest = _unary(toks[1:])
        return ("not", inner), rest
    if tok == "(":
        inner, rest = _or(toks[1:])
        if rest[0] != ")":
            raise ValueError
        return inner, rest[1:]
    if tok in ("defined", "IS_ENABLED", "IS_BUILTIN"):
        if toks[1] == "(":
            if toks[3] != ")":
                raise ValueError
            return ("def", toks[2]), toks[4:]
        return ("def", toks[1]), toks[2:]
    if re.fullmatch(r"\d+", tok):
        return ("const", int(tok) != 0), toks[1:]
    if re.fullmatch(r"[A-Za-z_]\w*", tok):
        return ("def", tok), toks[1:]
    raise ValueError


def conditions_by_line(text):
    """For each line number (1-based, index 0 unused) the condition under
    which it is compiled."""
    stack = []  # of (branch conditions so far, current condition)
    out = [TRUE]
    joined = text.replace("\\\n", " \n")  # keep line count with continuations
    for line in joined.split("\n"):
        out.append(conj([cur for _, cur in stack]))
        _directive(line.strip(), stack)
    out.append(conj([cur for _, cur in stack]))
    return out


def _directive(line, stack):
    m = re.match(r"#\s*(ifdef|ifndef|if|elif|else|endif)\b(.*)", line)
    if not m:
        return
    kind, rest = m.group(1), m.group(2).strip()
    if kind == "ifdef":
        cond = ("def", rest.split()[0])
        stack.append(([cond], cond))
    elif kind == "ifndef":
        cond = ("not", ("def", rest.split()[0]))
        stack.append(([cond], cond))
    elif kind == "if":
        cond = parse_expr(rest)
        stack.append(([cond], cond))
    elif kind == "elif" and stack:
        prior, _ = stack.pop()
        cond = parse_expr(rest)
        now = conj([("not", p) for p in prior] + [cond])
        stack.append((prior + [cond], now))
    elif kind == "else" and stack:
        prior, _ = stack.pop()
        stack.append((prior, conj([("not", p) for p in prior])))
    elif kind == "endif" and stack:
        stack.pop()


def evaluate(cond, known):
    """True/False when `known` (symbol -> bool) decides `cond`, else None.
    Symbols not in `known` are undecided."""
    kind = cond[0]
    if kind == "const":
        return cond[1]
    if kind == "def":
        return known.get(cond[1])
    if kind == "unknown":
        return None
    if kind == "not":
        v = evaluate(cond[1], known)
        return None if v is None else not v
    values = [evaluate(c, known) for c in cond[1]]
    if kind == "and":
        if False in values:
            return False
        return None if None in values else True
    if True in values:
        return True
    return None if None in values else False


def render(cond):
    kind = cond[0]
    if kind == "const":
        return "1" if cond[1] else "0"
    if kind == "def":
        return cond[1]
    if kind == "unknown":
        return f"({cond[1]})"
    if kind == "not":
        return "!" + render(cond[1])
    sep = " && " if kind == "and" else " || "
    return "(" + sep.join(render(c) for c in cond[1]) + ")"
