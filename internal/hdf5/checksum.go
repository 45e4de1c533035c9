package hdf5

import "math/bits"

// lookup3 returns Bob Jenkins' lookup3 hash ("hashlittle", 2006) of b with
// the given initial value. HDF5 stores it as the checksum of version 2
// metadata structures.
func lookup3(b []byte, initval uint32) uint32 {
	a := 0xdeadbeef + uint32(len(b)) + initval
	bb, c := a, a

	for len(b) > 12 {
		a += le32(b[0:])
		bb += le32(b[4:])
		c += le32(b[8:])
		a, bb, c = lookup3Mix(a, bb, c)
		b = b[12:]
	}
	if len(b) == 0 {
		return c
	}

	// The last 1 to 12 bytes, zero-padded to three little-endian words.
	var tail [12]byte
	copy(tail[:], b)
	a += le32(tail[0:])
	bb += le32(tail[4:])
	c += le32(tail[8:])
	return lookup3Final(a, bb, c)
}

func lookup3Mix(a, b, c uint32) (uint32, uint32, uint32) {
	a -= c
	a ^= bits.RotateLeft32(c, 4)
	c += b
	b -= a
	b ^= bits.RotateLeft32(a, 6)
	a += c
	c -= b
	c ^= bits.RotateLeft32(b, 8)
	b += a
	a -= c
	a ^= bits.RotateLeft32(c, 16)
	c += b
	b -= a
	b ^= bits.RotateLeft32(a, 19)
	a += c
	c -= b
	c ^= bits.RotateLeft32(b, 4)
	b += a
	return a, b, c
}

func lookup3Final(a, b, c uint32) uint32 {
	c ^= b
	c -= bits.RotateLeft32(b, 14)
	a ^= c
	a -= bits.RotateLeft32(c, 11)
	b ^= a
	b -= bits.RotateLeft32(a, 25)
	c ^= b
	c -= bits.RotateLeft32(b, 16)
	a ^= c
	a -= bits.RotateLeft32(c, 4)
	b ^= a
	b -= bits.RotateLeft32(a, 14)
	c ^= b
	c -= bits.RotateLeft32(b, 24)
	return c
}

// fletcher32 returns the Fletcher-32 checksum of b as HDF5's fletcher32
// filter computes it: over big-endian 16-bit words, an odd last byte taken
// as the high byte of a word, both sums reduced modulo 65535 by folding.
func fletcher32(b []byte) uint32 {
	var sum1, sum2 uint32
	words := len(b) / 2
	for words > 0 {
		// 360 words keep both sums below 2^32 between reductions.
		n := min(words, 360)
		words -= n
		for range n {
			sum1 += uint32(b[0])<<8 | uint32(b[1])
			sum2 += sum1
			b = b[2:]
		}
		sum1 = sum1&0xffff + sum1>>16
		sum2 = sum2&0xffff + sum2>>16
	}
	if len(b) == 1 {
		sum1 += uint32(b[0]) << 8
		sum2 += sum1
		sum1 = sum1&0xffff + sum1>>16
		sum2 = sum2&0xffff + sum2>>16
	}
	sum1 = sum1&0xffff + sum1>>16
	sum2 = sum2&0xffff + sum2>>16
	return sum2<<16 | sum1
}
