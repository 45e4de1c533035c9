package ot

// Products of cost matrices with plans. A plan P is [n, m], Cx is [n, n] and
// Cy is [m, m]; the central product is Cx·P·Cyᵀ, which the gradient of the
// Gromov-Wasserstein objective needs once per outer iteration.

// mulVec sets out = C·v.
func (c *costs) mulVec(v, out []float64) {
	n := c.n
	if c.factored() {
		r := c.rank
		t := make([]float64, r)
		for i := 0; i < n; i++ {
			axpy(v[i], c.fb[i*r:(i+1)*r], t)
		}
		for i := 0; i < n; i++ {
			out[i] = dot(c.fa[i*r:(i+1)*r], t)
		}
		return
	}
	if serial(n, n*n) {
		c.denseMulVec(v, out, 0, n)
		return
	}
	forRows(n, n*n, func(lo, hi int) { c.denseMulVec(v, out, lo, hi) })
}

// denseMulVec sets out[i] = (C·v)_i for the rows lo to hi.
func (c *costs) denseMulVec(v, out []float64, lo, hi int) {
	n := c.n
	for i := lo; i < hi; i++ {
		out[i] = dot(c.dense[i*n:(i+1)*n], v)
	}
}

// sqMulVec sets out = (C∘C)·v, the entrywise square of C times v.
func (c *costs) sqMulVec(v, out []float64) {
	n := c.n
	if serial(n, n*n) {
		c.sqMulVecRows(v, out, 0, n)
		return
	}
	forRows(n, n*n, func(lo, hi int) { c.sqMulVecRows(v, out, lo, hi) })
}

// sqMulVecRows sets out[i] = ((C∘C)·v)_i for the rows lo to hi.
func (c *costs) sqMulVecRows(v, out []float64, lo, hi int) {
	n := c.n
	for i := lo; i < hi; i++ {
		out[i] = sqDot(c.dense[i*n:(i+1)*n], v)
	}
}

// sandwich computes Cx·P·Cyᵀ for plans of one shape and keeps the buffers
// between calls.
type sandwich struct {
	x, y *costs
	n, m int
	// path is the evaluation order, chosen once from the ranks.
	path  int
	ayT   []float64 // [ry, m], transpose of y.fa
	byT   []float64 // [ry, m], transpose of y.fb
	u, v  []float64
	w, z  []float64
	parts partials
}

const (
	pathLeft  = iota // U = Bxᵀ·P, V = U·Cyᵀ, out = Ax·V
	pathRight        // W = P·By, Z = Cx·W, out = Z·Ayᵀ
	pathDense        // T = P·Cyᵀ, out = Cx·T
)

func newSandwich(x, y *costs) *sandwich {
	s := &sandwich{x: x, y: y, n: x.n, m: y.n}
	n, m := s.n, s.m
	costLeft, costRight := -1, -1
	if x.factored() {
		rx := x.rank
		applyY := m * m
		if y.factored() {
			applyY = 2 * y.rank * m
		}
		costLeft = 2*n*m*rx + rx*applyY
	}
	if y.factored() {
		ry := y.rank
		applyX := n * n
		if x.factored() {
			applyX = 2 * x.rank * n
		}
		costRight = 2*n*m*ry + ry*applyX
	}
	switch {
	case costLeft >= 0 && (costRight < 0 || costLeft <= costRight):
		s.path = pathLeft
	case costRight >= 0:
		s.path = pathRight
	default:
		s.path = pathDense
	}
	if y.factored() {
		s.ayT = transpose(y.fa, m, y.rank)
		s.byT = transpose(y.fb, m, y.rank)
	}
	return s
}

func transpose(a []float64, rows, cols int) []float64 {
	t := make([]float64, rows*cols)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			t[j*rows+i] = a[i*cols+j]
		}
	}
	return t
}

func grow(buf []float64, size int) []float64 {
	if cap(buf) < size {
		return make([]float64, size)
	}
	return buf[:size]
}

// apply sets out ([n, m]) to Cx·P·Cyᵀ. When post is not nil, apply calls
// it on row ranges that together cover 0..n, each right after those rows of
// out are final, so that a row-wise step after the product finds them in
// cache. post must touch only its rows of out.
func (s *sandwich) apply(p, out []float64, post func(lo, hi int)) {
	switch s.path {
	case pathLeft:
		s.left(p, out, post)
	case pathRight:
		s.right(p, out, post)
	default:
		s.dense(p, out, post)
	}
}

func (s *sandwich) left(p, out []float64, post func(lo, hi int)) {
	n, m, x := s.n, s.m, s.x
	rx := x.rank

	// U = Bxᵀ·P, [rx, m], summed over fixed row blocks for determinism.
	s.u = grow(s.u, rx*m)
	nb := numBlocks(n)
	s.parts.reset(nb, rx*m)
	forBlocks(n, nb, n*m*rx, func(k, lo, hi int) {
		gemmTransRows(s.parts.block(k), x.fb, p, rx, m, lo, hi)
	})
	s.parts.sumInto(s.u)

	// V = U·Cyᵀ: row l of V is Cy applied to row l of U.
	s.v = grow(s.v, rx*m)
	for l := 0; l < rx; l++ {
		s.y.mulVec(s.u[l*m:(l+1)*m], s.v[l*m:(l+1)*m])
	}

	// out = Ax·V, four rows at a time when post follows.
	forRows(n, n*m*rx, func(lo, hi int) {
		if post == nil {
			gemmRows(out, x.fa, s.v, rx, m, lo, hi)
			return
		}
		for i := lo; i < hi; i += 4 {
			end := min(i+4, hi)
			gemmRows(out, x.fa, s.v, rx, m, i, end)
			post(i, end)
		}
	})
}

func (s *sandwich) right(p, out []float64, post func(lo, hi int)) {
	n, m, y := s.n, s.m, s.y
	ry := y.rank

	// W = P·By, [n, ry]: W[i][l] = <P row i, By column l>.
	s.w = grow(s.w, n*ry)
	forRows(n, n*m*ry, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			pi := p[i*m : (i+1)*m]
			for l := 0; l < ry; l++ {
				s.w[i*ry+l] = dot(pi, s.byT[l*m:(l+1)*m])
			}
		}
	})

	// Z = Cx·W, [n, ry], one column at a time.
	s.z = grow(s.z, n*ry)
	col := make([]float64, 2*n)
	for l := 0; l < ry; l++ {
		for i := 0; i < n; i++ {
			col[i] = s.w[i*ry+l]
		}
		s.x.mulVec(col[:n], col[n:])
		for i := 0; i < n; i++ {
			s.z[i*ry+l] = col[n+i]
		}
	}

	// out = Z·Ayᵀ.
	forRows(n, n*m*ry, func(lo, hi int) {
		gemmRows(out, s.z, s.ayT, ry, m, lo, hi)
		if post != nil {
			post(lo, hi)
		}
	})
}

func (s *sandwich) dense(p, out []float64, post func(lo, hi int)) {
	n, m := s.n, s.m
	cy := s.y.dense

	// T = P·Cyᵀ: T[i][j] = <P row i, Cy row j>.
	s.w = grow(s.w, n*m)
	forRows(n, n*m*m, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			pi := p[i*m : (i+1)*m]
			for j := 0; j < m; j++ {
				s.w[i*m+j] = dot(pi, cy[j*m:(j+1)*m])
			}
		}
	})

	// out = Cx·T.
	forRows(n, n*n*m, func(lo, hi int) {
		gemmRows(out, s.x.dense, s.w, n, m, lo, hi)
		if post != nil {
			post(lo, hi)
		}
	})
}
