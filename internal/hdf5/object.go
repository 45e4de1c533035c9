package hdf5

// Object header message types used by this reader (HDF5 File Format
// Specification version 3.0, section IV.A.2).
const (
	msgNil          = 0x00
	msgDataspace    = 0x01
	msgLinkInfo     = 0x02
	msgDatatype     = 0x03
	msgFillValueOld = 0x04
	msgFillValue    = 0x05
	msgLink         = 0x06
	msgLayout       = 0x08
	msgFilters      = 0x0b
	msgContinuation = 0x10
	msgSymbolTable  = 0x11
)

// messageShared is the message flag bit of a message stored elsewhere in the
// file and only referenced from this header.
const messageShared = 0x02

// maxHeaderBlocks bounds the continuation blocks of one object header, so
// that a corrupt file with a cycle of continuations fails instead of looping.
const maxHeaderBlocks = 4096

// message is one object header message.
type message struct {
	typ   uint16
	flags uint8
	data  []byte
}

// objectHeader is the decoded list of messages of one object.
type objectHeader struct {
	addr     uint64
	messages []message
}

// find returns the first message of type typ, or nil.
func (h *objectHeader) find(typ uint16) *message {
	for i := range h.messages {
		if h.messages[i].typ == typ {
			return &h.messages[i]
		}
	}
	return nil
}

// readObjectHeader reads the object header at file address addr, following
// its continuation blocks.
func (f *File) readObjectHeader(addr uint64) (*objectHeader, error) {
	if addr == undefinedAddress {
		return nil, f.errorf(ErrFormat, "object header address is undefined")
	}
	pos := f.address(addr)
	sig, err := f.readAt(pos, 4, "object header")
	if err != nil {
		return nil, err
	}
	h := &objectHeader{addr: addr}
	if string(sig) == "OHDR" {
		err = f.readObjectHeaderV2(pos, h)
	} else {
		err = f.readObjectHeaderV1(pos, h)
	}
	if err != nil {
		return nil, err
	}
	return h, nil
}

// block is a run of object header messages still to be decoded.
type block struct {
	pos, size uint64
}

func (f *File) readObjectHeaderV1(pos uint64, h *objectHeader) error {
	b, err := f.readAt(pos, 16, "object header")
	if err != nil {
		return err
	}
	if b[0] != 1 {
		return f.errorf(ErrFormat, "object header at byte %d has version %d (valid: 1, or the signature OHDR of version 2)", pos, b[0])
	}
	c := f.cursor(b[2:])
	count := int(c.u16())
	c.u32() // reference count
	size := uint64(c.u32())

	// The messages start after the 12-byte prefix padded to 8 bytes.
	queue := []block{{pos + 16, size}}
	seen := map[uint64]bool{}
	for len(queue) > 0 && len(h.messages) < count {
		blk := queue[0]
		queue = queue[1:]
		if seen[blk.pos] || len(seen) >= maxHeaderBlocks {
			return f.errorf(ErrFormat, "object header at byte %d has a cycle or too many continuation blocks", pos)
		}
		seen[blk.pos] = true
		data, err := f.readAt(blk.pos, int(min(blk.size, uint64(f.size))), "object header messages")
		if err != nil {
			return err
		}
		c := f.cursor(data)
		for c.left() >= 8 && len(h.messages) < count {
			typ := c.u16()
			n := int(c.u16())
			flags := c.u8()
			c.skip(3)
			body := c.take(n)
			if c.err != nil {
				return f.errorf(ErrFormat, "object header at byte %d: message of type %#x with %d bytes overruns its block", pos, typ, n)
			}
			h.messages = append(h.messages, message{typ, flags, body})
			if typ == msgContinuation {
				next, err := f.continuation(body)
				if err != nil {
					return err
				}
				queue = append(queue, next)
			}
		}
	}
	return nil
}

func (f *File) readObjectHeaderV2(pos uint64, h *objectHeader) error {
	b, err := f.readAt(pos, 6, "object header")
	if err != nil {
		return err
	}
	if b[4] != 2 {
		return f.errorf(ErrFormat, "object header at byte %d has version %d after the OHDR signature (valid: 2)", pos, b[4])
	}
	flags := b[5]
	prefix := 6
	if flags&0x20 != 0 {
		prefix += 16 // access, modification, change and birth times
	}
	if flags&0x10 != 0 {
		prefix += 4 // attribute phase change values
	}
	sizeBytes := 1 << (flags & 0x03)
	b, err = f.readAt(pos, prefix+sizeBytes, "object header")
	if err != nil {
		return err
	}
	c := f.cursor(b[prefix:])
	size := c.uint(sizeBytes)
	if size > uint64(f.size) {
		return f.errorf(ErrFormat, "object header at byte %d claims %d bytes of messages in a %d-byte file", pos, size, f.size)
	}
	total := uint64(prefix+sizeBytes) + size + 4
	whole, err := f.readAt(pos, int(total), "object header")
	if err != nil {
		return err
	}
	if err := f.verifyChecksum(whole, "object header"); err != nil {
		return err
	}
	order := flags&0x04 != 0 // messages carry a 2-byte creation order

	queue := [][]byte{whole[prefix+sizeBytes : len(whole)-4]}
	seen := map[uint64]bool{}
	for len(queue) > 0 {
		data := queue[0]
		queue = queue[1:]
		c := f.cursor(data)
		head := 4
		if order {
			head = 6
		}
		// A remainder shorter than a message header is a gap.
		for c.left() >= head {
			typ := uint16(c.u8())
			n := int(c.u16())
			mflags := c.u8()
			if order {
				c.u16()
			}
			body := c.take(n)
			if c.err != nil {
				return f.errorf(ErrFormat, "object header at byte %d: message of type %#x with %d bytes overruns its block", pos, typ, n)
			}
			h.messages = append(h.messages, message{typ, mflags, body})
			if typ != msgContinuation {
				continue
			}
			next, err := f.continuation(body)
			if err != nil {
				return err
			}
			if seen[next.pos] || len(seen) >= maxHeaderBlocks {
				return f.errorf(ErrFormat, "object header at byte %d has a cycle or too many continuation blocks", pos)
			}
			seen[next.pos] = true
			blk, err := f.readAt(next.pos, int(min(next.size, uint64(f.size)+1)), "object header continuation")
			if err != nil {
				return err
			}
			if len(blk) < 8 || string(blk[:4]) != "OCHK" {
				return f.errorf(ErrFormat, "object header continuation at byte %d lacks the OCHK signature", next.pos)
			}
			if err := f.verifyChecksum(blk, "object header continuation"); err != nil {
				return err
			}
			queue = append(queue, blk[4:len(blk)-4])
		}
	}
	return nil
}

// continuation decodes a continuation message into the block it points to.
func (f *File) continuation(body []byte) (block, error) {
	c := f.cursor(body)
	addr := c.offset()
	size := c.length()
	if c.err != nil || addr == undefinedAddress {
		return block{}, f.errorf(ErrFormat, "invalid object header continuation message")
	}
	return block{f.address(addr), size}, nil
}
