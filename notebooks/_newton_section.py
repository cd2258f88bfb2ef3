# %% [markdown]
# ## Second derivatives: Newton's method against gradient descent
#
# Gradient descent only knows the slope, so it needs a step size small enough for the steepest
# direction, and crawls along the flat ones. Newton's method also uses the curvature: it fits a
# quadratic at the current point (gradient g, Hessian H) and jumps to that quadratic's minimum,
# `x - H⁻¹ g`. Near a minimum the number of correct digits doubles at every step.
#
# Getting H needs the derivative of a derivative. With `create_graph=True`, `autograd.grad`
# returns the gradient as Values that remember how they were computed, so `autograd.grad` can
# differentiate them again.

# %%
import math

import matplotlib.pyplot as plt

import autograd
from autograd import Value


def f(x, y):
    """A smooth, strictly convex bowl that is not a quadratic."""
    return (x + 3 * y - 0.1).exp() + (x - 3 * y - 0.1).exp() + (-x - 0.1).exp()


# Its minimum, worked out by hand: y = 0 by symmetry, then 2 e^x = e^-x.
best = (-math.log(2) / 2, 0.0)
f_best = 2 * math.sqrt(2) * math.exp(-0.1)

x, y = Value(-1.0), Value(0.7)
gx, gy = autograd.grad(f(x, y), [x, y], create_graph=True)
print("gradient:", gx.data, gy.data, "- each a node with parents:", gx.op, len(gx.parents))
hessian = [[h.data for h in autograd.grad(g, [x, y])] for g in (gx, gy)]
print("Hessian:", hessian)

# %% [markdown]
# Is that Hessian right? `gradgradcheck` compares every second derivative with finite
# differences of the first derivatives, and raises a table of the entries that disagree.

# %%
autograd.gradgradcheck(f, [-1.0, 0.7])


# %%
def gradient_and_hessian(point):
    xs = [Value(p) for p in point]
    g = autograd.grad(f(*xs), xs, create_graph=True)
    h = [[d.data for d in autograd.grad(gi, xs)] for gi in g]
    return [gi.data for gi in g], h


def newton_step(point):
    (gx, gy), ((a, b), (c, d)) = gradient_and_hessian(point)
    det = a * d - b * c  # solve H step = g for a 2 x 2 H
    return [point[0] - (d * gx - b * gy) / det, point[1] - (a * gy - c * gx) / det]


def descent_step(point, rate=0.05):
    xs = [Value(p) for p in point]
    g = autograd.grad(f(*xs), xs)
    return [p - rate * gi.data for p, gi in zip(point, g, strict=True)]


def run(step, start, n):
    path = [start]
    for _ in range(n):
        path.append(step(path[-1]))
    return path


def error(point):
    with autograd.no_grad():
        return f(Value(point[0]), Value(point[1])).data - f_best


start = [-1.0, 0.7]
newton_path = run(newton_step, start, 6)
descent_path = run(descent_step, start, 60)
newton_errors = [error(p) for p in newton_path]
descent_errors = [error(p) for p in descent_path]

print(f"{'step':>4}  {'Newton: f - f*':>16}  {'descent: f - f*':>16}")
for i in range(len(newton_path)):
    print(f"{i:>4}  {newton_errors[i]:>16.3e}  {descent_errors[i]:>16.3e}")
print(f"descent after {len(descent_path) - 1} steps: {descent_errors[-1]:.3e}")

# %% [markdown]
# Newton reaches the limit of float precision in five steps; gradient descent, after sixty, is
# still improving by a constant factor per step. The price is the Hessian: n gradients of
# gradients for n inputs, and an n x n solve, which is why networks with millions of weights
# use first-order methods, and Newton's method shines on small, smooth problems.

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
grid = [-1.4 + 0.02 * i for i in range(111)]
rows = [-0.9 + 0.02 * j for j in range(91)]
with autograd.no_grad():
    heights = [[math.log(f(Value(a), Value(b)).data) for a in grid] for b in rows]
left.contour(grid, rows, heights, levels=20, cmap="Greys")
left.plot(*zip(*descent_path, strict=True), ".-", label="gradient descent (60 steps)")
left.plot(*zip(*newton_path, strict=True), "o-", label="Newton (6 steps)")
left.plot(*best, "k*", markersize=12)
left.set(xlabel="x", ylabel="y", title="paths over the contours of log f")
left.legend()
right.semilogy([max(e, 1e-17) for e in descent_errors], ".-", label="gradient descent")
right.semilogy([max(e, 1e-17) for e in newton_errors], "o-", label="Newton")
right.set(xlabel="step", ylabel="f - f*", title="distance from the minimum value")
right.legend()
fig.tight_layout()
