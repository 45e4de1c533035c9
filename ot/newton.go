package ot

import "math"

// Newton steps on the dual of entropic transport. Sinkhorn's marginal error
// can decay at a rate set by the weakest coupling between blocks of the plan,
// exp(−gap/ε), so at ε far below the cost gaps it needs many thousands of
// iterations. Newton's method on the dual potentials converges quadratically
// near the optimum whatever that coupling (Brauer, Clason, Lorenz and Wirth,
// "A Sinkhorn-Newton method for entropic optimal transport", 2017). Each step
// forms the m×m Schur complement of the Hessian, O(n·m²), and eliminates it,
// O(m³), so it is used for small problems only.

// newtonAfter returns the number of plain iterations after which a small
// problem that has not converged switches to Newton steps: 10 + min(n, m)/4.
// A Newton step costs about min(n, m)/2 Sinkhorn iterations, and near a
// warm start one or two steps finish the solve.
func (e *sinkhornEngine) newtonAfter() int { return 10 + min(e.n, e.m)/4 }

// newtonMaxSteps caps one Newton phase, after which Sinkhorn resumes and
// another phase follows. Steps capped at newtonMaxStep·ε cross potential
// gaps of millions of ε only slowly; ε-scaling is the remedy there.
const newtonMaxSteps = 100

// newtonMaxStep caps a Newton step, in units of ε, in each potential.
const newtonMaxStep = 30

// newtonWorkLimit bounds n·m² + m³, the multiply-adds of one Newton step,
// for the switch: 2^28 admits a 512×512 problem.
const newtonWorkLimit = 1 << 28

// newtonUsable reports whether the engine's problem is small enough.
func (e *sinkhornEngine) newtonUsable() bool {
	n, m := e.n, e.m
	return n*m*m+m*m*m <= newtonWorkLimit
}

// newtonSolve runs at most maxSteps Newton steps with a backtracking line
// search on the dual D(F, G) = <F, a> + <G, b> − ε Σ exp((F_i + G_j − C_ij)/ε)
// from the engine's potentials, until the marginal error is at most
// threshold. It leaves the result in alpha and beta with u = v = 1 and the
// kernel invalid, and returns the steps taken, the errors after each step and
// whether the threshold was met.
func (e *sinkhornEngine) newtonSolve(threshold float64, maxSteps int) (int, []float64, bool) {
	e.absorb()
	n, m, eps := e.n, e.m, e.eps
	// The buffers live in the engine, which runs a phase per inner solve.
	e.newton = grow(e.newton, n*m+m*m+4*(n+m))
	buf := e.newton
	p, w, buf := buf[:n*m], buf[n*m:n*m+m*m], buf[n*m+m*m:]
	r, c, buf := buf[:n], buf[n:n+m], buf[n+m:]
	gf, gg, buf := buf[:n], buf[n:n+m], buf[n+m:]
	df, dg, buf := buf[:n], buf[n:n+m], buf[n+m:]
	f2, g2 := buf[:n], buf[n:n+m]

	value := e.dualAt(e.alpha, e.beta, p, r, c)
	var trace []float64
	for step := 1; step <= maxSteps; step++ {
		for i := range gf {
			gf[i] = e.a[i] - r[i]
		}
		for j := range gg {
			gg[j] = e.b[j] - c[j]
		}
		errNow := l1(gf) + l1(gg)
		if errNow <= threshold {
			return step - 1, trace, true
		}

		// [diag(r) P; Pᵀ diag(c)]·(δF, δG) = ε·(gF, gG). Eliminating δF
		// leaves L·δG = ε(gG − Pᵀ(gF/r)) with the graph Laplacian L = diag(c)
		// − W, W[j][k] = Σ_i P_ij P_ik / r_i, singular along δG = 1, so
		// δG[m−1] = 0 fixes the gauge.
		if !e.solveLaplacian(p, r, gf, gg, eps, w, dg) {
			return step - 1, trace, false
		}
		for i := 0; i < n; i++ {
			df[i] = (eps*gf[i] - dot(p[i*m:(i+1)*m], dg)) / r[i]
		}

		// Near-disconnected blocks make the Newton direction huge along the
		// flat direction of the dual. Capping the step at newtonMaxStep·ε in
		// every potential keeps exp finite, and the capped step still
		// ascends the concave dual.
		var big float64
		for _, d := range df {
			big = max(big, math.Abs(d))
		}
		for _, d := range dg {
			big = max(big, math.Abs(d))
		}
		if limit := newtonMaxStep * eps; big > limit {
			scaleSlice(df, limit/big)
			scaleSlice(dg, limit/big)
		}

		// Backtracking on the concave dual: accept the first t with
		// D(t) ≥ D(0) + t·σ·<∇D, δ>.
		slope := dot(gf, df) + dot(gg, dg)
		if !(slope > 0) {
			return step - 1, trace, false
		}
		accepted := false
		for t := 1.0; t > 1e-10; t /= 2 {
			for i := range f2 {
				f2[i] = e.alpha[i] + t*df[i]
			}
			for j := range g2 {
				g2[j] = e.beta[j] + t*dg[j]
			}
			next := e.dualAt(f2, g2, p, r, c)
			// Near the optimum the dual changes by less than its rounding,
			// so a step that lowers the marginal error is accepted too.
			armijo := next >= value+1e-4*t*slope
			if (armijo || e.marginalErrorOf(r, c) < errNow) && !math.IsNaN(next) && !math.IsInf(next, 0) {
				copy(e.alpha, f2)
				copy(e.beta, g2)
				value = next
				accepted = true
				break
			}
		}
		if !accepted {
			e.dualAt(e.alpha, e.beta, p, r, c)
			return step, trace, false
		}
		errAfter := e.marginalErrorOf(r, c)
		trace = append(trace, errAfter)
		if errAfter <= threshold {
			return step, trace, true
		}
	}
	return maxSteps, trace, false
}

// dualAt evaluates the dual at potentials (f, g), leaving the plan in p and
// its marginals in r and c.
func (e *sinkhornEngine) dualAt(f, g, p, r, c []float64) float64 {
	n, m, eps := e.n, e.m, e.eps
	inv := 1 / eps
	clear(c)
	var mass float64
	for i := 0; i < n; i++ {
		pi := p[i*m : (i+1)*m]
		top := exponents(pi, g, e.c[i*m:(i+1)*m], f[i], inv)
		// A trial point of the line search can have exponents above 0.
		// expShift is exact to 2^1023 only, so large ones take math.Exp,
		// which returns +Inf past 709 for the line search to reject.
		if top <= 700 {
			expShift(pi, pi, 0)
		} else {
			for j, t := range pi {
				pi[j] = math.Exp(t)
			}
		}
		r[i] = sum(pi)
		axpy(1, pi, c)
		mass += r[i]
	}
	return dot(f, e.a) + dot(g, e.b) - eps*mass
}

// marginalErrorOf returns ||r − a||₁ + ||c − b||₁.
func (e *sinkhornEngine) marginalErrorOf(r, c []float64) float64 {
	var s float64
	for i, x := range r {
		s += math.Abs(x - e.a[i])
	}
	for j, x := range c {
		s += math.Abs(x - e.b[j])
	}
	return s
}

func l1(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += math.Abs(v)
	}
	return s
}

// solveLaplacian solves L·x = ε(gG − Pᵀ(gF/r)) for x with x[m−1] = 0, where
// L = diag(c) − W and W[j][k] = Σ_i P_ij P_ik / r_i off the diagonal. It
// eliminates by the Grassmann-Taksar-Heyman rule: each pivot is the sum of
// the remaining off-diagonal weights of its row, never a difference, so tiny
// couplings between blocks of the plan (the case that stalls Sinkhorn) keep
// their relative accuracy. It reports false when a pivot is zero, which means
// the plan's support splits into parts with no coupling at all.
func (e *sinkhornEngine) solveLaplacian(p, r, gf, gg []float64, eps float64, w, x []float64) bool {
	n, m := e.n, e.m
	k := max(n, m)
	e.laplace = grow(e.laplace, m*n+n+k+2*m)
	buf := e.laplace
	qT, invR := buf[:m*n], buf[m*n:m*n+n]
	coef := buf[m*n+n : m*n+n+k]
	pivots, sums := buf[m*n+n+k:m*n+n+k+m], buf[m*n+n+k+m:]
	for i, v := range r {
		invR[i] = 1 / v
	}

	// W is symmetric and the elimination keeps it so, so only its strict
	// upper triangle is read. Row j of W is row j of Qᵀ, Q = diag(1/r)·P,
	// times the rows of P. Each row product starts at the multiple of 4 at
	// or below column j+1, so that the vector kernel covers whole blocks.
	// The few entries it writes on and left of the diagonal are never read.
	for i := 0; i < n; i++ {
		for j, v := range p[i*m : (i+1)*m] {
			qT[j*n+i] = invR[i] * v
		}
	}
	for j := 0; j < m-1; j++ {
		lo := (j + 1) &^ 3
		gemmRowStrided(w[j*m+lo:(j+1)*m], qT[j*n:(j+1)*n], p[lo:], m)
	}

	// x = ε(gG − Pᵀ(gF/r)).
	for i := range coef[:n] {
		coef[i] = gf[i] * invR[i]
	}
	gemmRowStrided(x, coef[:n], p, m)
	for j := range x {
		x[j] = eps * (gg[j] - x[j])
	}
	if m == 1 {
		x[0] = 0
		return true
	}

	// Left-looking elimination: before its pivot is taken, row j receives
	// the updates W[j][l] += (W[i][j]/d_i)·W[i][l] of all earlier pivots i
	// at once, as one row product, and x[j] those of the right-hand side.
	// Every term of the W sums is non-negative, so they keep the GTH
	// property.
	for j := 0; j < m-1; j++ {
		row := w[j*m+j+1 : (j+1)*m]
		if j > 0 {
			c := coef[:j]
			for i := range c {
				c[i] = w[i*m+j] / pivots[i]
			}
			update := sums[:len(row)]
			gemmRowStrided(update, c, w[j+1:], m)
			for l, u := range update {
				row[l] += u
			}
			x[j] += dot(c, x[:j])
		}
		var d float64
		for _, v := range row {
			d += v
		}
		if !(d > 0) {
			return false
		}
		pivots[j] = d
	}
	x[m-1] = 0
	for j := m - 2; j >= 0; j-- {
		x[j] = (x[j] + dot(w[j*m+j+1:(j+1)*m-1], x[j+1:m-1])) / pivots[j]
	}
	return true
}
