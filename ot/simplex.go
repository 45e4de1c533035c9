package ot

import "math"

// networkSimplex solves the transport problem min <C, P> over Π(a, b) by the
// primal network simplex method on the bipartite graph of rows and columns
// (Ahuja, Magnanti and Orlin, "Network Flows", 1993, chapter 11). A basis is
// a spanning tree of n+m−1 arcs i→j carrying the flows of a basic solution.
// Node potentials π with C[i,j] = π_j − π_i on tree arcs price the other
// arcs, rc(i,j) = C[i,j] + π_i − π_j. An arc with rc < 0 enters; of the tree
// arcs that the cycle pushes flow back on, the last one with the least flow
// counted from the cycle's apex leaves, which keeps the tree strongly
// feasible; the cut subtree hangs from the entering arc. The basis stays
// between calls: conditional gradient solves a sequence of similar cost
// matrices with the same weights, and the last optimal basis is a feasible
// start for the next.
type networkSimplex struct {
	n, m int
	a, b []float64
	// Nodes are the rows 0..n−1 and the columns n..n+m−1; the root, row 0,
	// has parent −1.
	parent []int
	// flow is the flow on the arc between a node and its parent.
	flow     []float64
	depth    []int
	pi       []float64
	children [][]int
	ready    bool
	next     int // arc where block pricing resumes
	stack    []int
}

func newNetworkSimplex(a, b []float64) *networkSimplex {
	n, m := len(a), len(b)
	return &networkSimplex{
		n: n, m: m, a: a, b: b,
		parent: make([]int, n+m), flow: make([]float64, n+m), depth: make([]int, n+m),
		pi: make([]float64, n+m), children: make([][]int, n+m),
	}
}

// initialBasis builds the north-west corner solution. Each of its n+m−1
// cells brings one new row or column into the tree, hanging from the other
// end of the cell. When a row and a column run out together, the next cell
// carries zero flow and keeps the tree connected.
func (s *networkSimplex) initialBasis() {
	n, m := s.n, s.m
	for v := range s.children {
		s.children[v] = s.children[v][:0]
	}
	s.parent[0] = -1
	s.flow[0] = 0
	i, j := 0, 0
	supply, demand := s.a[0], s.b[0]
	newRow := false // which end of the cell joined the tree last
	for first := true; ; first = false {
		mass := min(supply, demand)
		switch {
		case first || !newRow:
			s.setParent(n+j, i, mass)
		default:
			s.setParent(i, n+j, mass)
		}
		supply -= mass
		demand -= mass
		if i == n-1 && j == m-1 {
			break
		}
		if (supply <= 0 && i < n-1) || j == m-1 {
			i++
			supply = s.a[i]
			newRow = true
		} else {
			j++
			demand = s.b[j]
			newRow = false
		}
	}
	s.ready = true
}

func (s *networkSimplex) setParent(v, u int, mass float64) {
	s.parent[v] = u
	s.flow[v] = mass
	s.children[u] = append(s.children[u], v)
}

func (s *networkSimplex) removeChild(u, v int) {
	list := s.children[u]
	for k, w := range list {
		if w == v {
			list[k] = list[len(list)-1]
			s.children[u] = list[:len(list)-1]
			return
		}
	}
}

// arcCost returns C on the tree arc between node v and its parent.
func (s *networkSimplex) arcCost(c []float64, v int) float64 {
	u := s.parent[v]
	if v < s.n {
		return c[v*s.m+(u-s.n)]
	}
	return c[u*s.m+(v-s.n)]
}

// price sets depth and π below node top (inclusive of its children) from the
// tree arcs, starting from top's own values.
func (s *networkSimplex) price(c []float64, top int) {
	s.stack = append(s.stack[:0], top)
	for len(s.stack) > 0 {
		u := s.stack[len(s.stack)-1]
		s.stack = s.stack[:len(s.stack)-1]
		for _, v := range s.children[u] {
			s.depth[v] = s.depth[u] + 1
			if v < s.n {
				s.pi[v] = s.pi[u] - s.arcCost(c, v)
			} else {
				s.pi[v] = s.pi[u] + s.arcCost(c, v)
			}
			s.stack = append(s.stack, v)
		}
	}
}

// solve writes an optimal plan for cost c ([n, m]) into plan. It reports
// false, and leaves plan alone, when the pivot cap that guards against
// cycling in floating point is reached.
func (s *networkSimplex) solve(c, plan []float64) bool {
	n, m := s.n, s.m
	if !s.ready {
		s.initialBasis()
	}
	s.depth[0], s.pi[0] = 0, 0
	s.price(c, 0)

	var scale float64
	for _, x := range c {
		scale = max(scale, math.Abs(x))
	}
	tol := 1e-13 * scale
	arcs := n * m
	block := max(int(math.Sqrt(float64(arcs))), 16)
	maxPivots := 100*(n+m) + arcs

	for pivots := 0; ; pivots++ {
		if pivots > maxPivots {
			s.ready = false
			return false
		}
		enter, best := s.findEntering(c, block, tol)
		if enter < 0 {
			break
		}
		s.pivot(c, enter/m, n+enter%m, best)
	}

	clear(plan)
	for v := 1; v < n+m; v++ {
		u := s.parent[v]
		if v < n {
			plan[v*m+(u-n)] += s.flow[v]
		} else {
			plan[u*m+(v-n)] += s.flow[v]
		}
	}
	return true
}

// findEntering scans the arcs in blocks from where the last scan stopped and
// returns the arc of most negative reduced cost in the first block that has
// one below −tol, or −1 when no arc has.
func (s *networkSimplex) findEntering(c []float64, block int, tol float64) (int, float64) {
	n, m := s.n, s.m
	arcs := n * m
	best, enter := -tol, -1
	for scanned := 0; scanned < arcs; {
		end := min(scanned+block, arcs)
		for ; scanned < end; scanned++ {
			k := s.next
			s.next++
			if s.next == arcs {
				s.next = 0
			}
			i, j := k/m, k%m
			if rc := c[k] + s.pi[i] - s.pi[n+j]; rc < best {
				best, enter = rc, k
			}
		}
		if enter >= 0 {
			return enter, best
		}
	}
	return -1, 0
}

// pivot brings the arc p→q (row p, column node q) with reduced cost rc < 0
// into the basis.
func (s *networkSimplex) pivot(c []float64, p, q int, rc float64) {
	n := s.n

	// The apex of the cycle.
	u, v := p, q
	for u != v {
		switch {
		case s.depth[u] > s.depth[v]:
			u = s.parent[u]
		case s.depth[v] > s.depth[u]:
			v = s.parent[v]
		default:
			u, v = s.parent[u], s.parent[v]
		}
	}
	join := u

	// The cycle runs join → … → p → q → … → join. Flow goes back on the
	// arcs of row nodes on p's side and of column nodes on q's side.
	delta, leave, onQSide := math.Inf(1), -1, false
	for w := p; w != join; w = s.parent[w] {
		if w < n && s.flow[w] < delta {
			delta, leave = s.flow[w], w
		}
	}
	for w := q; w != join; w = s.parent[w] {
		if w >= n && s.flow[w] <= delta {
			delta, leave, onQSide = s.flow[w], w, true
		}
	}
	for w := p; w != join; w = s.parent[w] {
		if w < n {
			s.flow[w] -= delta
		} else {
			s.flow[w] += delta
		}
	}
	for w := q; w != join; w = s.parent[w] {
		if w >= n {
			s.flow[w] -= delta
		} else {
			s.flow[w] += delta
		}
	}
	s.flow[leave] = 0

	// The subtree below the leaving arc contains q (or p) and hangs from
	// the entering arc: parents along the path from q (p) up to the
	// leaving node reverse.
	from, top, shift := p, q, rc
	if !onQSide {
		from, top, shift = q, p, -rc
	}
	prevNode, prevFlow, x := from, delta, top
	for {
		oldParent, oldFlow := s.parent[x], s.flow[x]
		s.removeChild(oldParent, x)
		s.setParent(x, prevNode, prevFlow)
		if x == leave {
			break
		}
		prevNode, prevFlow, x = x, oldFlow, oldParent
	}

	// The subtree's potentials move by the same amount, which makes the
	// entering arc tight; its depths change with its new position.
	s.depth[top] = s.depth[from] + 1
	s.pi[top] += shift
	s.stack = append(s.stack[:0], top)
	for len(s.stack) > 0 {
		w := s.stack[len(s.stack)-1]
		s.stack = s.stack[:len(s.stack)-1]
		for _, ch := range s.children[w] {
			s.depth[ch] = s.depth[w] + 1
			s.pi[ch] += shift
			s.stack = append(s.stack, ch)
		}
	}
}
