package ot

import (
	"fmt"
	"math"
)

// ExactOT solves the linear optimal transport problem min <C, P> over
// couplings P ∈ Π(a, b) exactly, for a cost matrix c ([n, m]) and weights a,
// b (nil means uniform; positive, equal sums to 1e-9 relative). It returns
// the plan and <C, P>. For uniform weights and n = m the plan is a
// permutation matrix divided by n, found by the Jonker-Volgenant assignment
// algorithm in O(n³) worst case. Otherwise the primal network simplex method
// finds a vertex of Π(a, b), with O(n+m) work per pivot besides pricing. If
// it reaches its pivot cap, a guard against cycling in floating point, the
// successive-shortest-path method solves the problem instead.
func ExactOT(c *Matrix, a, b []float64) (*Matrix, float64, error) {
	if c == nil || c.Rows < 1 || c.Cols < 1 || len(c.Data) != c.Rows*c.Cols {
		return nil, 0, fmt.Errorf("%w: the cost matrix must have at least one row and one column", ErrShape)
	}
	if err := checkFinite("cost matrix", c.Data, c.Cols); err != nil {
		return nil, 0, err
	}
	a, b, err := checkWeights(a, b, c.Rows, c.Cols)
	if err != nil {
		return nil, 0, err
	}
	lin := newLinearSolver(a, b)
	plan := make([]float64, c.Rows*c.Cols)
	lin.solve(c.Data, plan)
	return &Matrix{Rows: c.Rows, Cols: c.Cols, Data: plan}, frobenius(plan, c.Data), nil
}

// linearSolver solves the successive exact OT problems of conditional
// gradient, keeping dual prices between calls when the weights are uniform
// and square.
type linearSolver struct {
	a, b    []float64
	lap     *assignment
	simplex *networkSimplex
}

func newLinearSolver(a, b []float64) *linearSolver {
	s := &linearSolver{a: a, b: b}
	if len(a) == len(b) && allEqual(a) && allEqual(b) && a[0] == b[0] {
		s.lap = newAssignment(len(a))
	} else {
		s.simplex = newNetworkSimplex(a, b)
	}
	return s
}

func allEqual(w []float64) bool {
	for _, x := range w {
		if x != w[0] {
			return false
		}
	}
	return true
}

// solve writes an optimal plan for cost c into plan ([n, m], overwritten).
func (s *linearSolver) solve(c, plan []float64) {
	clear(plan)
	if s.lap != nil {
		s.lap.solve(c)
		n := len(s.a)
		for i, j := range s.lap.x {
			plan[i*n+j] = s.a[i]
		}
		return
	}
	if s.simplex.solve(c, plan) {
		return
	}
	// The pivot cap guards against cycling on degenerate bases in floating
	// point; successive shortest paths cannot cycle.
	transportSSP(c, s.a, s.b, plan)
}

// flowEntry is the flow from one row into a column.
type flowEntry struct {
	row  int
	mass float64
}

// transportSSP solves the transport problem by successive shortest paths.
// Each step runs Dijkstra's algorithm on the reduced costs c[i,j] − u_i − v_j
// ≥ 0 from all rows with supply left to the nearest column with demand left.
// Paths use arcs i→j and, backwards, arcs j→k that carry flow. The step then
// pushes the largest mass the path allows and updates the prices. The subtraction
// that exhausts a supply, a demand or a reverse arc gives exactly zero, so the
// loop ends. It stops when no supply or no demand is left, because the sums
// of a and b may differ by rounding. It overwrites plan.
func transportSSP(c, a, b, plan []float64) {
	n, m := len(a), len(b)
	supply := append([]float64(nil), a...)
	demand := append([]float64(nil), b...)
	u, v := make([]float64, n), make([]float64, m)
	for i := 0; i < n; i++ {
		u[i] = math.Inf(1)
		for _, x := range c[i*m : (i+1)*m] {
			u[i] = min(u[i], x)
		}
	}
	for j := 0; j < m; j++ {
		v[j] = math.Inf(1)
		for i := 0; i < n; i++ {
			v[j] = min(v[j], c[i*m+j]-u[i])
		}
	}
	flows := make([][]flowEntry, m) // flows[j]: rows that send mass to column j
	distRow, distCol := make([]float64, n), make([]float64, m)
	rowDone, colDone := make([]bool, n), make([]bool, m)
	predCol, predRow := make([]int, m), make([]int, n)

	scan := func(i int) {
		ci := c[i*m : (i+1)*m]
		for j := 0; j < m; j++ {
			if colDone[j] {
				continue
			}
			if nd := distRow[i] + ci[j] - u[i] - v[j]; nd < distCol[j] {
				distCol[j], predCol[j] = nd, i
			}
		}
	}
	for {
		sources := 0
		for i := 0; i < n; i++ {
			rowDone[i] = supply[i] > 0
			distRow[i] = math.Inf(1)
			predRow[i] = -1
			if rowDone[i] {
				distRow[i] = 0
				sources++
			}
		}
		sinks := 0
		for j := 0; j < m; j++ {
			distCol[j], colDone[j], predCol[j] = math.Inf(1), false, -1
			if demand[j] > 0 {
				sinks++
			}
		}
		if sources == 0 || sinks == 0 {
			break
		}
		for i := 0; i < n; i++ {
			if rowDone[i] {
				scan(i)
			}
		}

		// Label columns in order of distance until one has demand left.
		sink, dist := -1, 0.0
		for sink < 0 {
			best := -1
			for j := 0; j < m; j++ {
				if !colDone[j] && (best < 0 || distCol[j] < distCol[best]) {
					best = j
				}
			}
			if best < 0 || math.IsInf(distCol[best], 1) {
				// Unreachable for a balanced problem: every column is
				// reachable from a row with supply left.
				return
			}
			colDone[best] = true
			dist = distCol[best]
			if demand[best] > 0 {
				sink = best
				break
			}
			for _, f := range flows[best] {
				if rowDone[f.row] {
					continue
				}
				// Arcs with flow are tight; rounding can leave a tiny
				// positive length, which is kept.
				back := -(c[f.row*m+best] - u[f.row] - v[best])
				rowDone[f.row] = true
				distRow[f.row] = dist + max(back, 0)
				predRow[f.row] = best
				scan(f.row)
			}
		}

		// Walk the path back to its source and find the mass it can carry.
		mass := demand[sink]
		j := sink
		source := -1
		for {
			i := predCol[j]
			if predRow[i] < 0 {
				source = i
				break
			}
			jPrev := predRow[i]
			mass = min(mass, flowOf(flows[jPrev], i))
			j = jPrev
		}
		mass = min(mass, supply[source])

		// Push the mass: forward arcs gain it, reverse arcs lose it.
		j = sink
		for {
			i := predCol[j]
			flows[j] = addFlow(flows[j], i, mass)
			if predRow[i] < 0 {
				break
			}
			jPrev := predRow[i]
			flows[jPrev] = addFlow(flows[jPrev], i, -mass)
			j = jPrev
		}
		supply[source] = subtractExact(supply[source], mass)
		demand[sink] = subtractExact(demand[sink], mass)

		// Prices: u_i −= min(d_i, D), v_j += min(d_j, D) keep reduced costs
		// non-negative and make the path tight.
		for i := 0; i < n; i++ {
			u[i] -= min(distRow[i], dist)
		}
		for j := 0; j < m; j++ {
			v[j] += min(distCol[j], dist)
		}
	}
	clear(plan)
	for j, list := range flows {
		for _, f := range list {
			plan[f.row*m+j] += f.mass
		}
	}
}

// subtractExact returns x − y, or 0 when y is x (the exhausted node).
func subtractExact(x, y float64) float64 {
	if d := x - y; d > 0 {
		return d
	}
	return 0
}

func flowOf(list []flowEntry, row int) float64 {
	for _, f := range list {
		if f.row == row {
			return f.mass
		}
	}
	return 0
}

// addFlow adds delta to the flow from row into the column of list and drops
// entries that reach zero.
func addFlow(list []flowEntry, row int, delta float64) []flowEntry {
	for k := range list {
		if list[k].row == row {
			list[k].mass += delta
			if list[k].mass <= 0 {
				list[k] = list[len(list)-1]
				list = list[:len(list)-1]
			}
			return list
		}
	}
	if delta > 0 {
		list = append(list, flowEntry{row: row, mass: delta})
	}
	return list
}
