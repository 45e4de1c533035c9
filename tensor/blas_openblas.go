package tensor

import (
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
)

// openBLAS calls libopenblas.so.0 through purego. It uses the Fortran entry
// point sgemm_, whose arguments are all pointers, because purego's SyscallN
// passes integer registers only and cblas_sgemm takes floats by value.
type openBLAS struct {
	sgemm      uintptr
	setThreads uintptr
	getThreads uintptr
	core       string
	args       sync.Pool // *gemmArgs, heap blocks whose addresses are passed to C
}

// gemmArgs holds sgemm_'s scalar arguments in memory that C can read, and
// the argument vector itself, so that a call allocates nothing. Go's heap does
// not move objects, and Sgemm keeps the block and the matrices alive until
// the call returns, so the addresses in argv stay valid.
type gemmArgs struct {
	transA, transB byte
	m, n, k        int32
	lda, ldb, ldc  int32
	alpha, beta    float32
	argv           [13]uintptr
}

var (
	openOnce sync.Once
	openLib  *openBLAS
	openErr  error
)

// LoadOpenBLAS loads libopenblas.so.0 once per process, sets its thread count
// to 1 and returns it. The error wraps ErrBLASUnavailable and names the
// library when it cannot be opened or lacks a symbol.
func LoadOpenBLAS() (BLAS, error) {
	openOnce.Do(func() { openLib, openErr = loadOpenBLAS(OpenBLASLibrary) })
	if openErr != nil {
		return nil, openErr
	}
	return openLib, nil
}

// loadOpenBLAS opens the OpenBLAS shared library lib and looks up its symbols.
func loadOpenBLAS(lib string) (*openBLAS, error) {
	if runtime.GOOS != "linux" {
		return nil, fmt.Errorf("%w: %s is loaded only on Linux, not %s", ErrBLASUnavailable, lib, runtime.GOOS)
	}
	handle, err := purego.Dlopen(lib, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot load %s (install libopenblas0): %v", ErrBLASUnavailable, lib, err)
	}
	sym := func(name string) (uintptr, error) {
		p, err := purego.Dlsym(handle, name)
		if err != nil || p == 0 {
			return 0, fmt.Errorf("%w: %s has no symbol %s: %v", ErrBLASUnavailable, lib, name, err)
		}
		return p, nil
	}
	o := &openBLAS{}
	for _, s := range []struct {
		name string
		dst  *uintptr
	}{
		{"sgemm_", &o.sgemm},
		{"openblas_set_num_threads", &o.setThreads},
		{"openblas_get_num_threads", &o.getThreads},
	} {
		if *s.dst, err = sym(s.name); err != nil {
			return nil, err
		}
	}
	if p, err := sym("openblas_get_corename"); err == nil {
		r, _, _ := purego.SyscallN(p)
		o.core = cString(r)
	}
	o.args.New = func() any { return new(gemmArgs) }
	o.SetThreads(1)
	return o, nil
}

// cString copies the NUL-terminated C string at p.
func cString(p uintptr) string {
	if p == 0 {
		return ""
	}
	var b []byte
	for i := uintptr(0); i < 256; i++ {
		c := *(*byte)(unsafe.Add(unsafe.Pointer(nil), p+i)) //nolint:govet // C memory, not Go's
		if c == 0 {
			break
		}
		b = append(b, c)
	}
	return string(b)
}

func (o *openBLAS) Name() string { return OpenBLASName }
func (o *openBLAS) Core() string { return o.core }

func (o *openBLAS) Threads() int {
	r, _, _ := purego.SyscallN(o.getThreads)
	return int(int32(r))
}

func (o *openBLAS) SetThreads(n int) {
	purego.SyscallN(o.setThreads, uintptr(max(n, 1)))
}

func (o *openBLAS) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		goBLAS{}.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if m > 1<<31-1 || n > 1<<31-1 || k > 1<<31-1 || lda > 1<<31-1 || ldb > 1<<31-1 || ldc > 1<<31-1 {
		panic(fmt.Sprintf("tensor: Sgemm sizes m=%d n=%d k=%d exceed OpenBLAS's 32-bit integers", m, n, k))
	}

	g := o.args.Get().(*gemmArgs)
	// Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, so the
	// operands swap places and keep their own transpose flags.
	g.transA, g.transB = 'N', 'N'
	if transB {
		g.transA = 'T'
	}
	if transA {
		g.transB = 'T'
	}
	g.m, g.n, g.k = int32(n), int32(m), int32(k)
	g.lda, g.ldb, g.ldc = int32(ldb), int32(lda), int32(ldc)
	g.alpha, g.beta = alpha, beta

	g.argv = [13]uintptr{
		uintptr(unsafe.Pointer(&g.transA)), uintptr(unsafe.Pointer(&g.transB)),
		uintptr(unsafe.Pointer(&g.m)), uintptr(unsafe.Pointer(&g.n)), uintptr(unsafe.Pointer(&g.k)),
		uintptr(unsafe.Pointer(&g.alpha)),
		uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(unsafe.Pointer(&g.lda)),
		uintptr(unsafe.Pointer(unsafe.SliceData(a))), uintptr(unsafe.Pointer(&g.ldb)),
		uintptr(unsafe.Pointer(&g.beta)),
		uintptr(unsafe.Pointer(unsafe.SliceData(c))), uintptr(unsafe.Pointer(&g.ldc)),
	}
	// Passing an existing slice avoids the allocation of a variadic one.
	purego.SyscallN(o.sgemm, g.argv[:]...)
	runtime.KeepAlive(g)
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	runtime.KeepAlive(c)
	o.args.Put(g)
}
