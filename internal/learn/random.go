package learn

// mt19937 is the 32-bit Mersenne Twister generator that numpy's legacy
// RandomState uses. The tree learners
// draw their seeds from it so that a seed gives the same trees as
// scikit-learn's random_state with the same integer.
type mt19937 struct {
	state [624]uint32
	pos   int
}

func newMT19937(seed uint32) *mt19937 {
	m := &mt19937{pos: 624}
	m.state[0] = seed
	for i := 1; i < 624; i++ {
		prev := m.state[i-1]
		m.state[i] = 1812433253*(prev^(prev>>30)) + uint32(i)
	}
	return m
}

// uint32 returns the next tempered 32-bit output.
func (m *mt19937) uint32() uint32 {
	const (
		n, mid    = 624, 397
		matrixA   = 0x9908b0df
		upperMask = 0x80000000
		lowerMask = 0x7fffffff
	)
	if m.pos >= n {
		for i := range n {
			y := (m.state[i] & upperMask) | (m.state[(i+1)%n] & lowerMask)
			next := m.state[(i+mid)%n] ^ (y >> 1)
			if y&1 != 0 {
				next ^= matrixA
			}
			m.state[i] = next
		}
		m.pos = 0
	}
	y := m.state[m.pos]
	m.pos++
	y ^= y >> 11
	y ^= (y << 7) & 0x9d2c5680
	y ^= (y << 15) & 0xefc60000
	y ^= y >> 18
	return y
}

// randRMax is scikit-learn's RAND_R_MAX, the bound of its tree seeds.
const randRMax = 0x7FFFFFFF

// treeSeed returns numpy's RandomState.randint(0, randRMax): masked rejection
// sampling of 31-bit values, rejecting randRMax itself.
func (m *mt19937) treeSeed() uint32 {
	for {
		v := m.uint32() & 0x7FFFFFFF
		if v <= randRMax-1 {
			return v
		}
	}
}

// xorshift32 is the generator scikit-learn's tree splitters use to order
// features: a 32-bit xorshift with shifts 13, 17 and 5, reduced modulo
// randRMax+1.
type xorshift32 uint32

func (s *xorshift32) next() uint32 {
	if *s == 0 {
		*s = 1
	}
	v := uint32(*s)
	v ^= v << 13
	v ^= v >> 17
	v ^= v << 5
	*s = xorshift32(v)
	return v % (randRMax + 1)
}

// intn returns a value in [low, high) as scikit-learn's rand_int does.
func (s *xorshift32) intn(low, high int) int {
	return low + int(s.next()%uint32(high-low))
}
