package ot

import "math"

// assignment solves min Σ_i c[i, x[i]] over permutations x of an n×n cost
// matrix by the Jonker-Volgenant algorithm (Jonker and Volgenant 1987): column
// reduction, augmenting row reduction, then shortest augmenting paths. It keeps
// the column prices v between calls: a warm start from the prices of a similar
// cost matrix (the successive linear problems of conditional gradient) skips
// the column reduction and leaves few rows for the O(n²) path searches.
type assignment struct {
	n        int
	v        []float64 // column prices (duals)
	x        []int     // row i is assigned column x[i]
	y        []int     // column j is assigned row y[j]
	warm     bool
	free     []int
	d        []float64
	pred     []int
	cols     []int
	matches  []int
	arrLimit int
}

func newAssignment(n int) *assignment {
	return &assignment{
		n: n, v: make([]float64, n), x: make([]int, n), y: make([]int, n),
		free: make([]int, n), d: make([]float64, n), pred: make([]int, n),
		cols: make([]int, n), matches: make([]int, n),
	}
}

// solve assigns rows to columns for cost c ([n, n]) and returns the row
// duals u with c[i][x[i]] = u[i] + v[x[i]] and c[i][j] ≥ u[i] + v[j] up to
// rounding, which certifies optimality.
func (s *assignment) solve(c []float64) []float64 {
	n := s.n
	for i := range s.x {
		s.x[i], s.y[i] = -1, -1
	}
	numFree := 0
	if s.warm {
		for i := 0; i < n; i++ {
			s.free[numFree] = i
			numFree++
		}
	} else {
		numFree = s.columnReduction(c)
	}
	numFree = s.augmentingRowReduction(c, numFree)
	numFree = s.augmentingRowReduction(c, numFree)
	for f := 0; f < numFree; f++ {
		s.augment(c, s.free[f])
	}
	s.warm = true
	u := make([]float64, n)
	for i := 0; i < n; i++ {
		u[i] = c[i*n+s.x[i]] - s.v[s.x[i]]
	}
	return u
}

// warmFromMonge sets the column prices to duals of the assignment that pairs
// rows[k] with cols[k] for a cost c ([n, n]) with the Monge property in those
// orders: c[rows[k−1]][cols[k−1]] + c[rows[k]][cols[k]] ≤ c[rows[k−1]][cols[k]]
// + c[rows[k]][cols[k−1]]. Tight adjacent constraints v[cols[k]] −
// v[cols[k−1]] = c[rows[k]][cols[k]] − c[rows[k]][cols[k−1]] then give a
// feasible dual, and the next solve starts from these prices.
func (s *assignment) warmFromMonge(c []float64, rows, cols []int) {
	n := s.n
	s.v[cols[0]] = 0
	for k := 1; k < n; k++ {
		i := rows[k]
		s.v[cols[k]] = s.v[cols[k-1]] + c[i*n+cols[k]] - c[i*n+cols[k-1]]
	}
	s.warm = true
}

// columnReduction sets v[j] to the column minima, assigns each column's
// minimum row when that row has no column yet, and transfers reductions from
// rows that got exactly one column. It returns the number of free rows, listed
// in s.free.
func (s *assignment) columnReduction(c []float64) int {
	n := s.n
	clear(s.matches)
	for j := n - 1; j >= 0; j-- {
		best, imin := c[j], 0
		for i := 1; i < n; i++ {
			if h := c[i*n+j]; h < best {
				best, imin = h, i
			}
		}
		s.v[j] = best
		s.matches[imin]++
		if s.matches[imin] == 1 {
			s.x[imin], s.y[j] = j, imin
		}
	}
	numFree := 0
	for i := 0; i < n; i++ {
		switch s.matches[i] {
		case 0:
			s.free[numFree] = i
			numFree++
		case 1:
			j1 := s.x[i]
			best := math.Inf(1)
			for j := 0; j < n; j++ {
				if j != j1 {
					best = min(best, c[i*n+j]-s.v[j])
				}
			}
			if !math.IsInf(best, 1) {
				s.v[j1] -= best
			}
		}
	}
	return numFree
}

// augmentingRowReduction assigns each free row to the column of its smallest
// reduced cost, lowering that column's price to the row's second-smallest
// reduced cost, and continues with the row it displaces. Each assigned row
// keeps its assigned column at the row's minimum reduced cost, which the path
// search relies on. The number of steps is capped at 4n per call, because
// floating-point price decrements can become tiny. Rows left free go to the
// path search, which handles any number of them.
func (s *assignment) augmentingRowReduction(c []float64, prevFree int) int {
	n := s.n
	k, numFree, steps := 0, 0, 0
	for k < prevFree {
		i := s.free[k]
		k++
		steps++
		row := c[i*n : (i+1)*n]
		umin, usub := row[0]-s.v[0], math.Inf(1)
		j1, j2 := 0, -1
		for j := 1; j < n; j++ {
			h := row[j] - s.v[j]
			if h < usub {
				if h >= umin {
					usub, j2 = h, j
				} else {
					usub, umin = umin, h
					j2, j1 = j1, j
				}
			}
		}
		i0 := s.y[j1]
		if umin < usub {
			if !math.IsInf(usub, 1) {
				s.v[j1] -= usub - umin
			}
		} else if i0 >= 0 && j2 >= 0 {
			j1 = j2
			i0 = s.y[j2]
		}
		if i0 >= 0 {
			s.x[i0] = -1
		}
		s.x[i], s.y[j1] = j1, i
		if i0 >= 0 {
			if umin < usub && steps < 4*n {
				k--
				s.free[k] = i0
			} else {
				s.free[numFree] = i0
				numFree++
			}
		}
	}
	return numFree
}

// augment finds a shortest augmenting path from the free row f by Dijkstra's
// algorithm on reduced costs, updates the prices of the scanned columns and
// flips the assignments along the path.
func (s *assignment) augment(c []float64, f int) {
	n := s.n
	d, pred, cols := s.d, s.pred, s.cols
	row := c[f*n : (f+1)*n]
	for j := 0; j < n; j++ {
		d[j] = row[j] - s.v[j]
		pred[j] = f
		cols[j] = j
	}
	// cols[0:low] are scanned, cols[low:up] are at the current minimum
	// distance and wait to be scanned, cols[up:n] are not yet reached.
	low, up, last, end := 0, 0, 0, -1
	var dmin float64
	for end < 0 {
		if up == low {
			last = low - 1
			dmin = d[cols[up]]
			up++
			for k := up; k < n; k++ {
				j := cols[k]
				h := d[j]
				if h <= dmin {
					if h < dmin {
						up = low
						dmin = h
					}
					cols[k] = cols[up]
					cols[up] = j
					up++
				}
			}
			for k := low; k < up; k++ {
				if s.y[cols[k]] < 0 {
					end = cols[k]
					break
				}
			}
		}
		if end >= 0 {
			break
		}
		j1 := cols[low]
		low++
		i := s.y[j1]
		ri := c[i*n : (i+1)*n]
		h := ri[j1] - s.v[j1] - dmin
		for k := up; k < n; k++ {
			j := cols[k]
			v2 := ri[j] - s.v[j] - h
			if v2 < d[j] {
				pred[j] = i
				if v2 == dmin {
					if s.y[j] < 0 {
						end = j
						break
					}
					cols[k] = cols[up]
					cols[up] = j
					up++
				}
				d[j] = v2
			}
		}
	}
	for k := 0; k <= last; k++ {
		j := cols[k]
		s.v[j] += d[j] - dmin
	}
	for {
		i := pred[end]
		s.y[end] = i
		j := end
		end = s.x[i]
		s.x[i] = j
		if i == f {
			break
		}
	}
}
