"""Small labelled graphs shared by the drawing and stepping tests."""

from autograd import Value


def expression() -> dict[str, Value]:
    """L = (a*b + c) * f with a=2, b=-3, c=10, f=-2: e=-6, d=4, L=-8."""
    a, b, c, f = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c"), Value(-2.0, "f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    out = d * f
    out.label = "L"
    return {"a": a, "b": b, "c": c, "f": f, "e": e, "d": d, "L": out}
