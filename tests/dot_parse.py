"""Reading the DOT source written by `autograd.draw_graph`, for assertions in tests."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_NODE = re.compile(r"^\s*(v\d+(?:op)?) \[(.*)\]$", re.M)
_EDGE = re.compile(r"^\s*(v\d+(?:op)?) -> (v\d+(?:op)?)(?: \[(.*)\])?$", re.M)
_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|<<.*?</TABLE>>|[^\s\]]+)')


@dataclass
class Node:
    id: str
    attrs: dict[str, str]
    rows: list[str]  # the text of each row of a value box, tags removed; [op name] for ops


@dataclass
class Edge:
    tail: str
    head: str
    attrs: dict[str, str]

    @property
    def label(self) -> str:
        return self.attrs.get("label", "").replace("\\n", "\n")


def _attrs(text: str) -> dict[str, str]:
    out = {}
    for key, value in _ATTR.findall(text or ""):
        if value.startswith('"'):
            value = value[1:-1]
        out[key] = value
    return out


def _rows(label: str) -> list[str]:
    if not label.startswith("<<"):
        return [label]
    cells = re.findall(r"<TD>(.*?)</TD>", label)
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in cells]


def nodes(source: str) -> dict[str, Node]:
    out = {}
    for node_id, text in _NODE.findall(source):
        attrs = _attrs(text)
        out[node_id] = Node(node_id, attrs, _rows(attrs.get("label", "")))
    return out


def edges(source: str) -> list[Edge]:
    return [Edge(tail, head, _attrs(text)) for tail, head, text in _EDGE.findall(source)]


def by_label(source: str) -> dict[str, Node]:
    """Value boxes by their first row (the label, for labelled nodes)."""
    return {n.rows[0]: n for n in nodes(source).values() if not n.id.endswith("op")}


def value_boxes(source: str) -> list[Node]:
    return [n for n in nodes(source).values() if not n.id.endswith("op")]


def op_nodes(source: str) -> list[Node]:
    return [n for n in nodes(source).values() if n.id.endswith("op")]


def clusters(source: str) -> dict[str, set[str]]:
    """Cluster label -> ids of the nodes declared inside it."""
    out = {}
    for body in re.findall(r"subgraph cluster_\d+ \{(.*?)\n\t\}", source, re.S):
        label = re.search(r"\blabel=(\S+)", body).group(1).strip('"')
        out[label] = {m for m, _ in _NODE.findall(body)}
    return out
