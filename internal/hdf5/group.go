package hdf5

import (
	"sort"
	"strings"
)

// maxTreeLevel bounds the depth of version 1 B-trees. The level field is one
// byte, and a tree of 64 levels would index more objects than any file
// holds; a deeper tree is corrupt.
const maxTreeLevel = 64

// symbolTable locates an old-style group's members: a version 1 B-tree of
// symbol table nodes and the local heap that holds their names.
type symbolTable struct {
	btree, heap uint64
}

// symbolEntry is an entry of an old-style group's symbol table.
type symbolEntry struct {
	nameOffset uint64
	header     uint64
	cacheType  uint32
	symbols    symbolTable // valid when cacheType is 1
}

// symbolEntrySize returns the size of a symbol table entry: two addresses,
// cache type and reserved word, and a 16-byte scratch pad.
func symbolEntrySize(offsetSize int) int { return 2*offsetSize + 8 + 16 }

func (c *cursor) symbolEntry() symbolEntry {
	var e symbolEntry
	e.nameOffset = c.offset()
	e.header = c.offset()
	e.cacheType = c.u32()
	c.skip(4)
	scratch := c.take(16)
	if c.err == nil && e.cacheType == 1 {
		s := &cursor{b: scratch, offsetSize: c.offsetSize, lengthSize: c.lengthSize}
		e.symbols.btree = s.offset()
		e.symbols.heap = s.offset()
		if s.err != nil {
			c.err = s.err
		}
	}
	return e
}

// link is one named member of a group.
type link struct {
	name   string
	header uint64 // object header address; undefinedAddress for a soft or external link
	kind   string // "hard", "soft" or "external"
}

// groupLinks returns the members of the group whose object header is h,
// sorted by name.
func (f *File) groupLinks(h *objectHeader) ([]link, error) {
	var links []link
	switch {
	case h.find(msgSymbolTable) != nil:
		m := h.find(msgSymbolTable)
		if m.flags&messageShared != 0 {
			return nil, f.errorf(ErrUnsupported, "shared symbol table message")
		}
		c := f.cursor(m.data)
		st := symbolTable{btree: c.offset(), heap: c.offset()}
		if c.err != nil {
			return nil, f.errorf(ErrFormat, "invalid symbol table message in the object header at address %d", h.addr)
		}
		var err error
		if links, err = f.symbolTableLinks(st); err != nil {
			return nil, err
		}
	case h.find(msgLink) != nil || h.find(msgLinkInfo) != nil:
		if m := h.find(msgLinkInfo); m != nil {
			if err := f.checkCompactLinks(m); err != nil {
				return nil, err
			}
		}
		for _, m := range h.messages {
			if m.typ != msgLink {
				continue
			}
			l, err := f.decodeLink(m.data)
			if err != nil {
				return nil, err
			}
			links = append(links, l)
		}
	case h.addr == f.root && f.rootSymbols != nil:
		var err error
		if links, err = f.symbolTableLinks(*f.rootSymbols); err != nil {
			return nil, err
		}
	default:
		return nil, f.errorf(ErrNotFound, "the object at address %d is not a group", h.addr)
	}
	sort.Slice(links, func(i, j int) bool { return links[i].name < links[j].name })
	return links, nil
}

// checkCompactLinks rejects a group whose links live in a fractal heap
// ("dense" storage, used by newer files for groups of more than 8 members).
func (f *File) checkCompactLinks(m *message) error {
	c := f.cursor(m.data)
	c.u8() // version
	flags := c.u8()
	if flags&0x01 != 0 {
		c.u64() // maximum creation index
	}
	heap := c.offset()
	if c.err != nil {
		return f.errorf(ErrFormat, "invalid link info message")
	}
	if heap != undefinedAddress {
		return f.errorf(ErrUnsupported, "group with dense link storage (a fractal heap, used for groups of more than 8 members written with the latest file format)")
	}
	return nil
}

// decodeLink decodes a link message of a new-style group.
func (f *File) decodeLink(data []byte) (link, error) {
	c := f.cursor(data)
	if v := c.u8(); v != 1 {
		return link{}, f.errorf(ErrFormat, "link message version %d (valid: 1)", v)
	}
	flags := c.u8()
	kind := uint8(0)
	if flags&0x08 != 0 {
		kind = c.u8()
	}
	if flags&0x04 != 0 {
		c.u64() // creation order
	}
	if flags&0x10 != 0 {
		c.u8() // character set of the name
	}
	n := c.uint(1 << (flags & 0x03))
	name := string(c.take(int(min(n, uint64(len(data))+1))))
	l := link{name: name, header: undefinedAddress}
	switch kind {
	case 0:
		l.kind = "hard"
		l.header = c.offset()
	case 1:
		l.kind = "soft"
	case 64:
		l.kind = "external"
	default:
		l.kind = "user-defined"
	}
	if c.err != nil {
		return link{}, f.errorf(ErrFormat, "invalid link message")
	}
	return l, nil
}

// symbolTableLinks lists an old-style group: it walks the group's version 1
// B-tree down to its symbol table nodes and reads each name from the local
// heap.
func (f *File) symbolTableLinks(st symbolTable) ([]link, error) {
	heap, err := f.readLocalHeap(st.heap)
	if err != nil {
		return nil, err
	}
	var nodes []uint64
	if err := f.walkGroupTree(st.btree, -1, &nodes, map[uint64]bool{}); err != nil {
		return nil, err
	}
	var links []link
	for _, addr := range nodes {
		entries, err := f.readSymbolNode(addr)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if e.nameOffset >= uint64(len(heap)) {
				return nil, f.errorf(ErrFormat, "symbol name offset %d lies outside the %d-byte local heap", e.nameOffset, len(heap))
			}
			c := &cursor{b: heap[e.nameOffset:]}
			name := c.cstring()
			if c.err != nil {
				return nil, f.errorf(ErrFormat, "symbol name at heap offset %d is not terminated", e.nameOffset)
			}
			links = append(links, link{name: name, header: e.header, kind: "hard"})
		}
	}
	return links, nil
}

// readLocalHeap returns the data segment of the local heap at addr.
func (f *File) readLocalHeap(addr uint64) ([]byte, error) {
	if addr == undefinedAddress {
		return nil, f.errorf(ErrFormat, "group has no local heap")
	}
	n := 8 + 2*f.lengthSize + f.offsetSize
	b, err := f.readAt(f.address(addr), n, "local heap")
	if err != nil {
		return nil, err
	}
	if string(b[:4]) != "HEAP" {
		return nil, f.errorf(ErrFormat, "local heap at address %d lacks the HEAP signature", addr)
	}
	c := f.cursor(b[8:])
	size := c.length()
	c.length() // offset to the head of the free list
	data := c.offset()
	if c.err != nil || data == undefinedAddress || size > uint64(f.size) {
		return nil, f.errorf(ErrFormat, "invalid local heap at address %d", addr)
	}
	return f.readAt(f.address(data), int(size), "local heap data")
}

// walkGroupTree appends the addresses of the symbol table nodes under the
// group B-tree node at addr. parentLevel is -1 at the root; each child must
// be one level below its parent.
func (f *File) walkGroupTree(addr uint64, parentLevel int, out *[]uint64, seen map[uint64]bool) error {
	node, err := f.readTreeNode(addr, 0, f.lengthSize, parentLevel, seen)
	if err != nil {
		return err
	}
	for _, child := range node.children {
		if node.level == 0 {
			*out = append(*out, child)
			continue
		}
		if err := f.walkGroupTree(child, node.level, out, seen); err != nil {
			return err
		}
	}
	return nil
}

// treeNode is one node of a version 1 B-tree: its level (0 for a leaf) and
// its children, each with the key that precedes it.
type treeNode struct {
	level    int
	keys     [][]byte
	children []uint64
}

// readTreeNode reads the version 1 B-tree node of the given type (0 group,
// 1 chunk) at addr, whose keys have keySize bytes. parentLevel is -1 at the
// root, and every other node must be one level below its parent.
func (f *File) readTreeNode(addr uint64, nodeType uint8, keySize, parentLevel int, seen map[uint64]bool) (treeNode, error) {
	if addr == undefinedAddress {
		return treeNode{}, f.errorf(ErrFormat, "B-tree node address is undefined")
	}
	if seen[addr] {
		return treeNode{}, f.errorf(ErrFormat, "B-tree node at address %d is reached twice; the tree is corrupt", addr)
	}
	seen[addr] = true
	head := 8 + 2*f.offsetSize
	b, err := f.readAt(f.address(addr), head, "B-tree node")
	if err != nil {
		return treeNode{}, err
	}
	if string(b[:4]) != "TREE" {
		return treeNode{}, f.errorf(ErrFormat, "B-tree node at address %d lacks the TREE signature", addr)
	}
	if b[4] != nodeType {
		return treeNode{}, f.errorf(ErrFormat, "B-tree node at address %d has type %d, expected %d", addr, b[4], nodeType)
	}
	node := treeNode{level: int(b[5])}
	if node.level > maxTreeLevel || (parentLevel >= 0 && node.level != parentLevel-1) {
		return treeNode{}, f.errorf(ErrFormat, "B-tree node at address %d has level %d under a node of level %d", addr, node.level, parentLevel)
	}
	entries := int(uint16(b[6]) | uint16(b[7])<<8)

	body, err := f.readAt(f.address(addr)+uint64(head), entries*(keySize+f.offsetSize)+keySize, "B-tree node")
	if err != nil {
		return treeNode{}, err
	}
	c := f.cursor(body)
	node.keys = make([][]byte, entries)
	node.children = make([]uint64, entries)
	for i := range entries {
		node.keys[i] = c.take(keySize)
		node.children[i] = c.offset()
	}
	if c.err != nil {
		return treeNode{}, f.errorf(ErrFormat, "B-tree node at address %d ends early", addr)
	}
	return node, nil
}

// readSymbolNode reads the entries of the symbol table node at addr.
func (f *File) readSymbolNode(addr uint64) ([]symbolEntry, error) {
	b, err := f.readAt(f.address(addr), 8, "symbol table node")
	if err != nil {
		return nil, err
	}
	if string(b[:4]) != "SNOD" {
		return nil, f.errorf(ErrFormat, "symbol table node at address %d lacks the SNOD signature", addr)
	}
	count := int(uint16(b[6]) | uint16(b[7])<<8)
	body, err := f.readAt(f.address(addr)+8, count*symbolEntrySize(f.offsetSize), "symbol table node")
	if err != nil {
		return nil, err
	}
	c := f.cursor(body)
	entries := make([]symbolEntry, count)
	for i := range entries {
		entries[i] = c.symbolEntry()
	}
	if c.err != nil {
		return nil, f.errorf(ErrFormat, "symbol table node at address %d ends early", addr)
	}
	return entries, nil
}

// resolve follows path from the root group and returns the object header of
// the object it names.
func (f *File) resolve(path string) (*objectHeader, error) {
	h, err := f.readObjectHeader(f.root)
	if err != nil {
		return nil, err
	}
	parts := splitPath(path)
	for i, name := range parts {
		links, err := f.groupLinks(h)
		if err != nil {
			return nil, err
		}
		var target *link
		for j := range links {
			if links[j].name == name {
				target = &links[j]
				break
			}
		}
		here := "/" + strings.Join(parts[:i], "/")
		if target == nil {
			names := make([]string, len(links))
			for j, l := range links {
				names[j] = l.name
			}
			return nil, f.errorf(ErrNotFound, "no object %q in group %q (members: %s)", name, here, strings.Join(names, ", "))
		}
		if target.kind != "hard" {
			return nil, f.errorf(ErrUnsupported, "%s link %q in group %q", target.kind, name, here)
		}
		if h, err = f.readObjectHeader(target.header); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// Members returns the names of the members of the group at path ("/" for
// the root), sorted.
func (f *File) Members(path string) ([]string, error) {
	h, err := f.resolve(path)
	if err != nil {
		return nil, err
	}
	links, err := f.groupLinks(h)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(links))
	for i, l := range links {
		names[i] = l.name
	}
	return names, nil
}
