package learn

import "math"

// objective returns f(x) and writes its gradient into grad.
type objective func(x, grad []float64) float64

// lbfgsSettings are the stopping rules of minimizeLBFGS, named as in scipy's
// L-BFGS-B options.
type lbfgsSettings struct {
	memory  int     // maxcor: correction pairs kept
	maxIter int     // maxiter
	gtol    float64 // stop when max |gradient| <= gtol
	ftol    float64 // stop when (f_old − f)/max(|f_old|, |f|, 1) <= ftol
	maxLS   int     // maxls: function evaluations per line search
}

// lbfgsResult reports how the minimisation ended.
type lbfgsResult struct {
	f          float64
	iterations int
	converged  bool
}

// minimizeLBFGS minimises fn from x (updated in place) with limited-memory
// BFGS as scipy 1.10's L-BFGS-B runs it without bounds. The first step has
// length 1/‖g‖₂ along −g. Later steps start at 1 along the quasi-Newton
// direction (two-loop recursion with initial scaling s·y/y·y). The Moré–Thuente
// line search with ftol 1e-3, gtol 0.9 and xtol 0.1 picks the step, and pairs
// with s·y <= eps·(−g·d·step) are skipped. A failed line search drops the
// memory and retries along −g once.
func minimizeLBFGS(fn objective, x []float64, cfg lbfgsSettings) lbfgsResult {
	n := len(x)
	g := make([]float64, n)
	f := fn(x, g)
	if maxAbs(g) <= cfg.gtol {
		return lbfgsResult{f: f, converged: true}
	}

	var sHist, yHist [][]float64
	var rhoHist []float64
	d := make([]float64, n)
	xOld := make([]float64, n)
	gOld := make([]float64, n)
	alpha := make([]float64, cfg.memory)
	iter := 0
	for {
		// Search direction d = −H g by the two-loop recursion.
		for i := range d {
			d[i] = -g[i]
		}
		k := len(sHist)
		for j := k - 1; j >= 0; j-- {
			alpha[j] = rhoHist[j] * dot(sHist[j], d)
			axpy(-alpha[j], yHist[j], d)
		}
		if k > 0 {
			scale(dot(sHist[k-1], yHist[k-1])/dot(yHist[k-1], yHist[k-1]), d)
		}
		for j := range k {
			beta := rhoHist[j] * dot(yHist[j], d)
			axpy(alpha[j]-beta, sHist[j], d)
		}

		step := 1.0
		if iter == 0 {
			step = 1 / math.Sqrt(dot(d, d))
		}
		copy(xOld, x)
		copy(gOld, g)
		fOld := f
		gd := dot(g, d)
		var ok bool
		if gd < 0 {
			f, step, ok = moreThuente(fn, xOld, d, fOld, gd, step, x, g, cfg.maxLS)
		}
		if !ok {
			copy(x, xOld)
			copy(g, gOld)
			f = fOld
			if k == 0 {
				return lbfgsResult{f: f, iterations: iter}
			}
			sHist, yHist, rhoHist = nil, nil, nil
			continue
		}
		iter++
		if iter >= cfg.maxIter {
			return lbfgsResult{f: f, iterations: iter, converged: maxAbs(g) <= cfg.gtol}
		}
		if maxAbs(g) <= cfg.gtol {
			return lbfgsResult{f: f, iterations: iter, converged: true}
		}
		if (fOld - f) <= cfg.ftol*max(math.Abs(fOld), math.Abs(f), 1) {
			return lbfgsResult{f: f, iterations: iter, converged: true}
		}

		s := make([]float64, n)
		y := make([]float64, n)
		for i := range n {
			s[i] = x[i] - xOld[i]
			y[i] = g[i] - gOld[i]
		}
		sy := dot(s, y)
		if sy <= 2.220446049250313e-16*(-gd*step) {
			continue // curvature too small: keep the old pairs
		}
		if len(sHist) == cfg.memory {
			sHist, yHist, rhoHist = sHist[1:], yHist[1:], rhoHist[1:]
		}
		sHist = append(sHist, s)
		yHist = append(yHist, y)
		rhoHist = append(rhoHist, 1/sy)
	}
}

// moreThuente searches along d from x0 (value f0, slope gd0 < 0) for a step
// satisfying the strong Wolfe conditions with ftol 1e-3 and gtol 0.9,
// starting at step, as MINPACK-2's dcsrch (the Moré–Thuente line search)
// does. It leaves the accepted point in x and its gradient in g and reports
// whether a step was accepted within maxEval evaluations. Like L-BFGS-B, it accepts the current
// step when the bracket becomes narrower than rounding allows.
func moreThuente(fn objective, x0, d []float64, f0, gd0, step float64, x, g []float64, maxEval int) (float64, float64, bool) {
	const (
		ftol, gtol, xtol = 1e-3, 0.9, 0.1
		xtrapl, xtrapu   = 1.1, 4.0
		stpMin, stpMax   = 0.0, 1e10
	)
	eval := func(t float64) (float64, float64) {
		for i := range x {
			x[i] = x0[i] + t*d[i]
		}
		f := fn(x, g)
		return f, dot(g, d)
	}

	brackt := false
	stage := 1
	gtest := ftol * gd0
	width := stpMax - stpMin
	width1 := width / 0.5
	stx, fx, gx := 0.0, f0, gd0
	sty, fy, gy := 0.0, f0, gd0
	stmin, stmax := 0.0, step+xtrapu*step

	for range maxEval {
		f, gd := eval(step)
		ftest := f0 + step*gtest
		if stage == 1 && f <= ftest && gd >= 0 {
			stage = 2
		}
		switch {
		case brackt && (step <= stmin || step >= stmax),
			brackt && stmax-stmin <= xtol*stmax,
			step == stpMax && f <= ftest && gd <= gtest,
			step == stpMin && (f > ftest || gd >= gtest),
			f <= ftest && math.Abs(gd) <= gtol*(-gd0):
			return f, step, true
		}

		if stage == 1 && f <= fx && f > ftest {
			// Work with the modified function ψ(t) = f(t) − f0 − t·gtest.
			fm, fxm, fym := f-step*gtest, fx-stx*gtest, fy-sty*gtest
			gm, gxm, gym := gd-gtest, gx-gtest, gy-gtest
			stx, fxm, gxm, sty, fym, gym, step, brackt = cstep(stx, fxm, gxm, sty, fym, gym, step, fm, gm, brackt, stmin, stmax)
			fx, fy = fxm+stx*gtest, fym+sty*gtest
			gx, gy = gxm+gtest, gym+gtest
		} else {
			stx, fx, gx, sty, fy, gy, step, brackt = cstep(stx, fx, gx, sty, fy, gy, step, f, gd, brackt, stmin, stmax)
		}

		if brackt {
			if math.Abs(sty-stx) >= 0.66*width1 {
				step = stx + 0.5*(sty-stx)
			}
			width1 = width
			width = math.Abs(sty - stx)
			stmin, stmax = min(stx, sty), max(stx, sty)
		} else {
			stmin = step + xtrapl*(step-stx)
			stmax = step + xtrapu*(step-stx)
		}
		step = min(max(step, stpMin), stpMax)
		if brackt && (step <= stmin || step >= stmax || stmax-stmin <= xtol*stmax) {
			step = stx
		}
	}
	return 0, 0, false
}

// cstep is MINPACK-2's dcstep: it updates the interval of uncertainty
// [stx, sty] with the trial step stp (value fp, slope dp) and returns the next
// trial step, chosen from cubic and quadratic interpolants and safeguarded to
// [stpmin, stpmax].
func cstep(stx, fx, dx, sty, fy, dy, stp, fp, dp float64, brackt bool, stpmin, stpmax float64) (
	float64, float64, float64, float64, float64, float64, float64, bool) {
	sgnd := dp * (dx / math.Abs(dx))
	var stpf float64
	switch {
	case fp > fx:
		// Higher value: the minimum is bracketed. Take the cubic step if it
		// is closer to stx than the quadratic one, else their average.
		theta := 3*(fx-fp)/(stp-stx) + dx + dp
		s := max(math.Abs(theta), math.Abs(dx), math.Abs(dp))
		gamma := s * math.Sqrt((theta/s)*(theta/s)-(dx/s)*(dp/s))
		if stp < stx {
			gamma = -gamma
		}
		p := (gamma - dx) + theta
		q := ((gamma - dx) + gamma) + dp
		stpc := stx + p/q*(stp-stx)
		stpq := stx + ((dx/((fx-fp)/(stp-stx)+dx))/2)*(stp-stx)
		if math.Abs(stpc-stx) < math.Abs(stpq-stx) {
			stpf = stpc
		} else {
			stpf = stpc + (stpq-stpc)/2
		}
		brackt = true
	case sgnd < 0:
		// Slopes of opposite sign: bracketed. Take the step farther from stp.
		theta := 3*(fx-fp)/(stp-stx) + dx + dp
		s := max(math.Abs(theta), math.Abs(dx), math.Abs(dp))
		gamma := s * math.Sqrt((theta/s)*(theta/s)-(dx/s)*(dp/s))
		if stp > stx {
			gamma = -gamma
		}
		p := (gamma - dp) + theta
		q := ((gamma - dp) + gamma) + dx
		stpc := stp + p/q*(stx-stp)
		stpq := stp + (dp/(dp-dx))*(stx-stp)
		if math.Abs(stpc-stp) > math.Abs(stpq-stp) {
			stpf = stpc
		} else {
			stpf = stpq
		}
		brackt = true
	case math.Abs(dp) < math.Abs(dx):
		// Same sign, slope shrinking in magnitude.
		theta := 3*(fx-fp)/(stp-stx) + dx + dp
		s := max(math.Abs(theta), math.Abs(dx), math.Abs(dp))
		gamma := s * math.Sqrt(max(0, (theta/s)*(theta/s)-(dx/s)*(dp/s)))
		if stp > stx {
			gamma = -gamma
		}
		p := (gamma - dp) + theta
		q := (gamma + (dx - dp)) + gamma
		r := p / q
		var stpc float64
		switch {
		case r < 0 && gamma != 0:
			stpc = stp + r*(stx-stp)
		case stp > stx:
			stpc = stpmax
		default:
			stpc = stpmin
		}
		stpq := stp + (dp/(dp-dx))*(stx-stp)
		if brackt {
			if math.Abs(stpc-stp) < math.Abs(stpq-stp) {
				stpf = stpc
			} else {
				stpf = stpq
			}
			if stp > stx {
				stpf = min(stp+0.66*(sty-stp), stpf)
			} else {
				stpf = max(stp+0.66*(sty-stp), stpf)
			}
		} else {
			if math.Abs(stpc-stp) > math.Abs(stpq-stp) {
				stpf = stpc
			} else {
				stpf = stpq
			}
			stpf = min(stpmax, stpf)
			stpf = max(stpmin, stpf)
		}
	default:
		// Same sign, slope not shrinking.
		if brackt {
			theta := 3*(fp-fy)/(sty-stp) + dy + dp
			s := max(math.Abs(theta), math.Abs(dy), math.Abs(dp))
			gamma := s * math.Sqrt((theta/s)*(theta/s)-(dy/s)*(dp/s))
			if stp > sty {
				gamma = -gamma
			}
			p := (gamma - dp) + theta
			q := ((gamma - dp) + gamma) + dy
			stpf = stp + p/q*(sty-stp)
		} else if stp > stx {
			stpf = stpmax
		} else {
			stpf = stpmin
		}
	}

	if fp > fx {
		sty, fy, dy = stp, fp, dp
	} else {
		if sgnd < 0 {
			sty, fy, dy = stx, fx, dx
		}
		stx, fx, dx = stp, fp, dp
	}
	return stx, fx, dx, sty, fy, dy, stpf, brackt
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

func axpy(alpha float64, x, y []float64) {
	for i, v := range x {
		y[i] += alpha * v
	}
}

func scale(alpha float64, x []float64) {
	for i := range x {
		x[i] *= alpha
	}
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	return m
}
