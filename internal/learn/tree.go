package learn

import (
	"math"
	"slices"
)

// featureThreshold is the gap below which two consecutive sorted feature values
// count as equal, so that no split is placed between them. scikit-learn 1.2.1
// uses the same float32 constant (FEATURE_THRESHOLD in its tree splitter) to
// absorb float32/float64 rounding.
const featureThreshold float32 = 1e-7

// minImpurity is the node impurity at or below which a node is not split,
// float64 machine epsilon as in scikit-learn's tree builder.
const minImpurity = 2.220446049250313e-16

// presorted holds the training features as float32 (scikit-learn casts tree
// inputs to float32 too) and, per feature, the sample indices in increasing
// order of that feature. Every tree of a boosted ensemble starts from this
// order, so no node sorts its samples.
type presorted struct {
	n, d   int
	x      []float32   // [n, d] row-major
	order  [][]int32   // [d][n] sample indices, stable in value then index
	sorted [][]float32 // [d][n] feature values in the order of order
}

func newPresorted(x []float64, n, d int) *presorted {
	p := &presorted{n: n, d: d, x: make([]float32, n*d), order: make([][]int32, d), sorted: make([][]float32, d)}
	for i, v := range x {
		p.x[i] = float32(v)
	}
	for f := range d {
		idx := make([]int32, n)
		for i := range idx {
			idx[i] = int32(i)
		}
		slices.SortStableFunc(idx, func(a, b int32) int {
			va, vb := p.x[int(a)*d+f], p.x[int(b)*d+f]
			switch {
			case va < vb:
				return -1
			case va > vb:
				return 1
			}
			return 0
		})
		vals := make([]float32, n)
		for k, i := range idx {
			vals[k] = p.x[int(i)*d+f]
		}
		p.order[f], p.sorted[f] = idx, vals
	}
	return p
}

// treeNode is one node of a regression tree. Leaves have feature -1 and carry
// value; internal nodes send a sample left when its feature value, as float32
// widened to float64, is <= threshold.
type treeNode struct {
	feature     int
	threshold   float64
	left, right int32
	value       float64
}

// regressionTree is a CART regression tree grown with scikit-learn's
// "friedman_mse" criterion and best splitter. Nodes are numbered in depth-first
// order, left child first, as scikit-learn numbers them.
type regressionTree struct {
	nodes []treeNode
}

// leaf returns the index of the leaf that the float32 row x falls into.
func (t *regressionTree) leaf(x []float32) int32 {
	k := int32(0)
	for {
		nd := &t.nodes[k]
		if nd.feature < 0 {
			return k
		}
		if float64(x[nd.feature]) <= nd.threshold {
			k = nd.left
		} else {
			k = nd.right
		}
	}
}

// treeParams are the growth limits of one tree.
type treeParams struct {
	maxDepth        int
	minSamplesSplit int
	minSamplesLeaf  int
}

// nodeStats are the count, sum and sum of squares of the targets in a node.
type nodeStats struct {
	n, sum, sumSq float64
}

// impurity returns the mean squared error of the node around its mean.
func (s nodeStats) impurity() float64 {
	m := s.sum / s.n
	return s.sumSq/s.n - m*m
}

// pendingNode is a node waiting on the depth-first stack.
type pendingNode struct {
	start, end       int
	depth            int
	parent           int32
	isLeft           bool
	impurity         float64
	stats            nodeStats
	numConstFeatures int
}

// treeBuilder grows regression trees on one presorted data set, depth first,
// visiting features in the same pseudo-random order as scikit-learn 1.2.1's
// BestSplitter with the same seed. The samples of a node are one segment
// [start, end) of every feature's sorted index list; a split partitions each
// list's segment stably. A builder keeps scratch space, so it serves one
// goroutine.
type treeBuilder struct {
	data   *presorted
	params treeParams

	idx    [][]int32   // [d][n] per feature, node segments sorted by value
	vals   [][]float32 // [d][n] the feature values in the order of idx
	leafOf []int32     // leaf node of each training sample
	goLeft []bool      // per sample, scratch for partitioning
	tmpIdx []int32
	tmpVal []float32

	features      []int // scikit-learn's feature permutation state
	constFeatures []int
}

func newTreeBuilder(data *presorted, params treeParams) *treeBuilder {
	b := &treeBuilder{
		data:          data,
		params:        params,
		idx:           make([][]int32, data.d),
		vals:          make([][]float32, data.d),
		leafOf:        make([]int32, data.n),
		goLeft:        make([]bool, data.n),
		tmpIdx:        make([]int32, data.n),
		tmpVal:        make([]float32, data.n),
		features:      make([]int, data.d),
		constFeatures: make([]int, data.d),
	}
	for f := range data.d {
		b.idx[f] = make([]int32, data.n)
		b.vals[f] = make([]float32, data.n)
	}
	return b
}

// split is the best split found for a node.
type split struct {
	feature   int
	pos       int // first position of the right child in the node's segment
	threshold float64
	proxy     float64
}

// build grows a tree on the targets y and adds its unnormalised impurity-based
// feature importances (scikit-learn's compute_feature_importances with
// normalize=False) to importance. seed is the splitter's random state, one
// draw of numpy's RandomState per tree in scikit-learn. After build, b.leafOf
// gives the leaf of every training sample.
func (b *treeBuilder) build(y []float64, seed uint32, importance []float64) *regressionTree {
	n, d := b.data.n, b.data.d
	for f := range d {
		copy(b.idx[f], b.data.order[f])
		copy(b.vals[f], b.data.sorted[f])
		b.features[f] = f
	}
	rng := xorshift32(seed)

	var root nodeStats
	for _, v := range y {
		root.n++
		root.sum += v
		root.sumSq += v * v
	}
	tree := &regressionTree{}
	stack := []pendingNode{{start: 0, end: n, parent: -1, impurity: root.impurity(), stats: root}}
	for len(stack) > 0 {
		node := stack[len(stack)-1]
		stack = stack[:len(stack)-1]

		id := int32(len(tree.nodes))
		tree.nodes = append(tree.nodes, treeNode{feature: -1})
		if node.parent >= 0 {
			if node.isLeft {
				tree.nodes[node.parent].left = id
			} else {
				tree.nodes[node.parent].right = id
			}
		}

		size := node.end - node.start
		isLeaf := node.depth >= b.params.maxDepth ||
			size < b.params.minSamplesSplit ||
			size < 2*b.params.minSamplesLeaf ||
			node.impurity <= minImpurity
		var best split
		numConst := node.numConstFeatures
		if !isLeaf {
			best, numConst = b.findSplit(y, node, &rng)
			isLeaf = best.feature < 0
		}
		if isLeaf {
			for _, i := range b.idx[0][node.start:node.end] {
				b.leafOf[i] = id
			}
			continue
		}

		left := nodeStats{n: float64(best.pos - node.start)}
		for _, i := range b.idx[best.feature][node.start:best.pos] {
			left.sum += y[i]
			left.sumSq += y[i] * y[i]
		}
		right := nodeStats{n: node.stats.n - left.n, sum: node.stats.sum - left.sum, sumSq: node.stats.sumSq - left.sumSq}
		impLeft, impRight := left.impurity(), right.impurity()
		importance[best.feature] += (node.stats.n*node.impurity - left.n*impLeft - right.n*impRight) / root.n
		tree.nodes[id].feature = best.feature
		tree.nodes[id].threshold = best.threshold
		b.partition(node.start, node.end, best)

		// The left child goes on the stack last so that it is built first.
		stack = append(stack,
			pendingNode{start: best.pos, end: node.end, depth: node.depth + 1, parent: id, impurity: impRight, stats: right, numConstFeatures: numConst},
			pendingNode{start: node.start, end: best.pos, depth: node.depth + 1, parent: id, isLeft: true, impurity: impLeft, stats: left, numConstFeatures: numConst})
	}
	return tree
}

// findSplit returns the best split of node, or a split with feature -1 when no
// feature varies, and the number of features known to be constant in node.
// Features are drawn in scikit-learn's order (a Fisher-Yates draw that skips
// features already known to be constant) and a split replaces the best so far
// only when its Friedman proxy improvement (n_R·S_L − n_L·S_R)²/(n_L·n_R) is
// strictly larger.
func (b *treeBuilder) findSplit(y []float64, node pendingNode, rng *xorshift32) (split, int) {
	d := b.data.d
	start, end := node.start, node.end
	minLeaf := b.params.minSamplesLeaf
	total := node.stats
	best := split{feature: -1, proxy: math.Inf(-1)}

	features := b.features
	numKnownConst := node.numConstFeatures
	numTotalConst := numKnownConst
	numFoundConst, numDrawnConst := 0, 0
	visited := 0
	for fi := d; fi > numTotalConst && (visited < d || visited <= numFoundConst+numDrawnConst); {
		visited++
		fj := rng.intn(numDrawnConst, fi-numFoundConst)
		if fj < numKnownConst {
			features[numDrawnConst], features[fj] = features[fj], features[numDrawnConst]
			numDrawnConst++
			continue
		}
		fj += numFoundConst
		f := features[fj]
		vals := b.vals[f][start:end]
		if vals[len(vals)-1] <= float32(vals[0]+featureThreshold) {
			features[fj], features[numTotalConst] = features[numTotalConst], features[fj]
			numFoundConst++
			numTotalConst++
			continue
		}
		fi--
		features[fi], features[fj] = features[fj], features[fi]

		idx := b.idx[f][start:end]
		sumLeft := y[idx[0]]
		for p := 1; p < len(vals); p++ {
			if vals[p] > float32(vals[p-1]+featureThreshold) && p >= minLeaf && len(vals)-p >= minLeaf {
				nL := float64(p)
				nR := total.n - nL
				diff := nR*sumLeft - nL*(total.sum-sumLeft)
				proxy := diff * diff / (nL * nR)
				if proxy > best.proxy {
					best = split{feature: f, pos: start + p, threshold: midpoint(vals[p-1], vals[p]), proxy: proxy}
				}
			}
			sumLeft += y[idx[p]]
		}
	}

	// Keep the known constant features in their original order for the
	// children, and record the newly found ones after them.
	copy(features[:numKnownConst], b.constFeatures[:numKnownConst])
	copy(b.constFeatures[numKnownConst:numKnownConst+numFoundConst], features[numKnownConst:numKnownConst+numFoundConst])
	return best, numTotalConst
}

// partition reorders the segment [start, end) of every feature's sorted list
// so that the samples of the left child (positions before s.pos in the split
// feature's list) come first, each part keeping its sorted order.
func (b *treeBuilder) partition(start, end int, s split) {
	for p, i := range b.idx[s.feature][start:end] {
		b.goLeft[i] = start+p < s.pos
	}
	for f := range b.data.d {
		if f == s.feature {
			continue
		}
		idx, vals := b.idx[f][start:end], b.vals[f][start:end]
		l, r := 0, 0
		tmpIdx, tmpVal := b.tmpIdx[:end-start], b.tmpVal[:end-start]
		for p, i := range idx {
			if b.goLeft[i] {
				idx[l], vals[l] = i, vals[p]
				l++
			} else {
				tmpIdx[r], tmpVal[r] = i, vals[p]
				r++
			}
		}
		copy(idx[l:], tmpIdx[:r])
		copy(vals[l:], tmpVal[:r])
	}
}

// midpoint returns the split threshold between the consecutive values lo < hi
// as scikit-learn computes it: lo/2 + hi/2 in float64, or lo when rounding
// makes that equal hi or infinite.
func midpoint(lo, hi float32) float64 {
	t := float64(lo)/2.0 + float64(hi)/2.0
	if t == float64(hi) || math.IsInf(t, 0) {
		t = float64(lo)
	}
	return t
}
