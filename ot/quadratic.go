package ot

import "fmt"

// QuadraticProblem is a Gromov-Wasserstein problem between the geometries X
// ([n, n] costs, weights a) and Y ([m, m] costs, weights b). Its objective,
// with Mémoli's ½, is
//
//	E(P) = ½ Σ_{i,j,k,l} (Cx[i,k] − Cy[j,l])² P[i,j] P[k,l],  P ∈ Π(a, b).
//
// POT and OTT-JAX report 2·E(P). The linearised cost (the gradient of E with
// respect to P for symmetric costs, with the target marginals a and b) is
//
//	G(P) = (Cx∘Cx)·a·1ᵀ + 1·((Cy∘Cy)·b)ᵀ − 2·Cx·P·Cy
//
// (Peyré, Cuturi and Solomon 2016, Prop. 1). For an asymmetric cost matrix
// the gradient averages this expression for (Cx, Cy) and (Cxᵀ, Cyᵀ), which
// is the exact gradient of E; POT 0.8.2 uses the (Cx, Cy) term alone.
type QuadraticProblem struct {
	x, y *costs
	a, b []float64
	// cx2a = ½((Cx∘Cx) + (Cx∘Cx)ᵀ)·a and cy2b likewise for Y.
	cx2a, cy2b []float64
	fwd, bwd   *sandwich // Cx·P·Cyᵀ and Cxᵀ·P·Cy (nil when both symmetric)
	tmp        []float64
}

// NewQuadraticProblem returns the problem between x and y with weights a and
// b (nil means uniform). Weights must be positive and finite with equal sums.
// Errors wrap ErrShape or ErrWeights. It copies the weights and shares the
// geometries, which are immutable.
func NewQuadraticProblem(x, y Geometry, a, b []float64) (*QuadraticProblem, error) {
	if x == nil || y == nil {
		return nil, fmt.Errorf("%w: both geometries are required", ErrShape)
	}
	cx, cy := x.costs(), y.costs()
	a, b, err := checkWeights(a, b, cx.n, cy.n)
	if err != nil {
		return nil, err
	}
	q := &QuadraticProblem{x: cx, y: cy, a: a, b: b}
	q.cx2a = symSqMulVec(cx, a)
	q.cy2b = symSqMulVec(cy, b)
	// A sandwich of (x, y) computes Cx·P·Cyᵀ.
	q.fwd = newSandwich(cx, cy)
	if !cx.symmetric || !cy.symmetric {
		q.bwd = newSandwich(cx.transposed(), cy.transposed())
	}
	return q, nil
}

// symSqMulVec returns ½((C∘C) + (C∘C)ᵀ)·w.
func symSqMulVec(c *costs, w []float64) []float64 {
	out := make([]float64, c.n)
	c.sqMulVec(w, out)
	if !c.symmetric {
		t := make([]float64, c.n)
		c.transposed().sqMulVec(w, t)
		for i := range out {
			out[i] = 0.5 * (out[i] + t[i])
		}
	}
	return out
}

// Size returns n and m.
func (q *QuadraticProblem) Size() (n, m int) { return q.x.n, q.y.n }

// Weights returns the weights a and b; the slices are shared, do not modify.
func (q *QuadraticProblem) Weights() (a, b []float64) { return q.a, q.b }

// cross sets out = ½(Cx·P·Cyᵀ + Cxᵀ·P·Cy), which is Cx·P·Cy for symmetric
// costs. It costs O(n·m·r) with r the smaller factorisation rank.
func (q *QuadraticProblem) cross(p, out []float64) {
	q.fwd.apply(p, out, nil)
	if q.bwd == nil {
		return
	}
	q.tmp = grow(q.tmp, len(out))
	q.bwd.apply(p, q.tmp, nil)
	for k := range out {
		out[k] = 0.5 * (out[k] + q.tmp[k])
	}
}

// crossLinearized sets g = G(P), as cross followed by linearize computes
// it. For symmetric costs each group of rows is linearised right after the
// product writes it, while it is still in cache. When then is not nil, it
// is called on row ranges that together cover 0..n, once those rows of g
// are final. Calls on disjoint ranges may run concurrently.
func (q *QuadraticProblem) crossLinearized(p, g []float64, then func(lo, hi int)) {
	if q.bwd != nil {
		q.cross(p, g)
		q.linearize(g, g)
		if then != nil {
			then(0, q.x.n)
		}
		return
	}
	q.fwd.apply(p, g, func(lo, hi int) {
		q.linearizeRows(g, g, lo, hi)
		if then != nil {
			then(lo, hi)
		}
	})
}

// linearize sets g = cx2a ⊕ cy2b − 2·s, where s = cross(P).
func (q *QuadraticProblem) linearize(s, g []float64) {
	n, m := q.x.n, q.y.n
	if serial(n, n*m) {
		q.linearizeRows(s, g, 0, n)
		return
	}
	forRows(n, n*m, func(lo, hi int) { q.linearizeRows(s, g, lo, hi) })
}

// linearizeRows computes rows lo to hi of linearize.
func (q *QuadraticProblem) linearizeRows(s, g []float64, lo, hi int) {
	m := q.y.n
	for i := lo; i < hi; i++ {
		linearizeRow(g[i*m:(i+1)*m], q.cy2b, s[i*m:(i+1)*m], q.cx2a[i], 1)
	}
}

// objective returns E(P) given s = cross(P), using P's own marginals:
// E = ½(a'ᵀ(Cx∘Cx)a' + b'ᵀ(Cy∘Cy)b') − <s, P>.
func (q *QuadraticProblem) objective(p, s []float64) float64 {
	n, m := q.x.n, q.y.n
	rows, cols := make([]float64, n), make([]float64, m)
	for i := 0; i < n; i++ {
		pi := p[i*m : (i+1)*m]
		rows[i] = sum(pi)
		axpy(1, pi, cols)
	}
	return q.objectiveWithMarginals(p, s, rows, cols)
}

// objectiveWithMarginals returns E(P) as objective does, given P's row sums
// a' and column sums b'.
func (q *QuadraticProblem) objectiveWithMarginals(p, s, rows, cols []float64) float64 {
	n, m := q.x.n, q.y.n
	tx, ty := make([]float64, n), make([]float64, m)
	q.x.sqMulVec(rows, tx)
	q.y.sqMulVec(cols, ty)
	return 0.5*(dot(rows, tx)+dot(cols, ty)) - frobenius(p, s)
}

// frobenius returns <x, y> summed over fixed blocks.
func frobenius(x, y []float64) float64 {
	const block = 4096
	var total float64
	for lo := 0; lo < len(x); lo += block {
		hi := min(lo+block, len(x))
		total += dot(x[lo:hi], y[lo:hi])
	}
	return total
}

func (q *QuadraticProblem) checkPlan(p *Matrix, what string) error {
	n, m := q.x.n, q.y.n
	if p == nil || p.Rows != n || p.Cols != m || len(p.Data) != n*m {
		if p == nil {
			return fmt.Errorf("%w: nil %s", ErrShape, what)
		}
		return fmt.Errorf("%w: %s of %d×%d for a %d×%d problem", ErrShape, what, p.Rows, p.Cols, n, m)
	}
	return checkFinite(what, p.Data, m)
}

// Objective returns E(P) for a plan P ([n, m]) in O(n·m·r + n² + m²), with
// the marginals of P itself. P need not be a coupling of a and b.
func (q *QuadraticProblem) Objective(p *Matrix) (float64, error) {
	if err := q.checkPlan(p, "plan"); err != nil {
		return 0, err
	}
	s := make([]float64, len(p.Data))
	q.cross(p.Data, s)
	return q.objective(p.Data, s), nil
}

// Linearization returns G(P) ([n, m]), the cost matrix of the linear problem
// that each step of the entropic and exact solvers solves. <G(P), P> = 2·E(P)
// when P ∈ Π(a, b).
func (q *QuadraticProblem) Linearization(p *Matrix) (*Matrix, error) {
	if err := q.checkPlan(p, "plan"); err != nil {
		return nil, err
	}
	s := make([]float64, len(p.Data))
	q.cross(p.Data, s)
	q.linearize(s, s)
	return &Matrix{Rows: p.Rows, Cols: p.Cols, Data: s}, nil
}

// CrossProduct returns Cx·P·Cy ([n, m]) for symmetric costs, and
// ½(Cx·P·Cyᵀ + Cxᵀ·P·Cy) otherwise, in O(n·m·r).
func (q *QuadraticProblem) CrossProduct(p *Matrix) (*Matrix, error) {
	if err := q.checkPlan(p, "plan"); err != nil {
		return nil, err
	}
	s := make([]float64, len(p.Data))
	q.cross(p.Data, s)
	return &Matrix{Rows: p.Rows, Cols: p.Cols, Data: s}, nil
}

// Pushforward returns Pᵀ·C·P ([m, m]) for the geometry g ([n, n]) and a plan
// P ([n, m]): the cost matrix of g carried onto the columns of P. With low-rank
// factors C = A·Bᵀ it is (Pᵀ·A)·(Pᵀ·B)ᵀ and costs O(n·m·r + m²·r).
func Pushforward(g Geometry, p *Matrix) (*Matrix, error) {
	c := g.costs()
	n := c.n
	if p == nil || p.Rows != n || p.Cols < 1 || len(p.Data) != p.Rows*p.Cols {
		return nil, fmt.Errorf("%w: plan must have %d rows", ErrShape, n)
	}
	if err := checkFinite("plan", p.Data, p.Cols); err != nil {
		return nil, err
	}
	m := p.Cols
	out := make([]float64, m*m)
	if c.factored() {
		r := c.rank
		pa, pb := make([]float64, r*m), make([]float64, r*m) // Aᵀ·P and Bᵀ·P
		gemmTransRows(pa, c.fa, p.Data, r, m, 0, n)
		gemmTransRows(pb, c.fb, p.Data, r, m, 0, n)
		// out[j][l] = Σ_k (PᵀA)[j][k]·(PᵀB)[l][k] = Σ_k pa[k][j]·pb[k][l].
		paT := transpose(pa, r, m)
		forRows(m, m*m*r, func(lo, hi int) {
			gemmRows(out, paT, pb, r, m, lo, hi)
		})
	} else {
		// T = C·P ([n, m]), then out = Pᵀ·T.
		t := make([]float64, n*m)
		forRows(n, n*n*m, func(lo, hi int) {
			gemmRows(t, c.dense, p.Data, n, m, lo, hi)
		})
		gemmTransRows(out, p.Data, t, m, m, 0, n)
	}
	if err := checkFinite("pushforward", out, m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNumerical, err)
	}
	return &Matrix{Rows: m, Cols: m, Data: out}, nil
}

// productClosedForm reports whether productLinearized applies: both costs
// symmetric.
func (q *QuadraticProblem) productClosedForm() bool { return q.bwd == nil }

// productLinearized sets g = G(a·bᵀ) for symmetric costs. There
// Cx·a·bᵀ·Cy = (Cx·a)(Cy·b)ᵀ has rank one, so g costs O(n·m) plus two
// matrix-vector products, in place of a product with a dense plan.
func (q *QuadraticProblem) productLinearized(g []float64) {
	n, m := q.x.n, q.y.n
	xa, yb := make([]float64, n), make([]float64, m)
	q.x.mulVec(q.a, xa)
	q.y.mulVec(q.b, yb)
	rows := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			linearizeRow(g[i*m:(i+1)*m], q.cy2b, yb, q.cx2a[i], xa[i])
		}
	}
	if serial(n, n*m) {
		rows(0, n)
		return
	}
	forRows(n, n*m, rows)
}
