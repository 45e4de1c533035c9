// Package autodiff is a reverse-mode automatic differentiation tape over
// float32 tensors, with the operations that convolutional VAEs and the
// Gromov-Monge gap regulariser need.
//
// # Use
//
// A Tape records operations as they run. Parameters enter with Param (a value
// and a persistent gradient buffer), data with Const. Every operation returns
// a *Var whose Value is computed at once. Backward(loss) then writes the
// gradient of the scalar loss into the gradient buffer of every Param:
//
//	tp := autodiff.NewTape(blas)
//	for step := range steps {
//		tp.Reset()
//		x := tp.Const(images)
//		w := tp.Param(weights, weightGrads)
//		loss := tp.Sum(tp.Square(tp.MatMul(x, w)))
//		if err := tp.Backward(loss); err != nil {
//			// errors.Is(err, autodiff.ErrNonFinite): the loss is NaN or ±Inf
//		}
//		// weightGrads now holds d loss / d weights.
//	}
//
// # Buffer reuse
//
// Reset rewinds the tape without freeing anything. The next step requests
// buffers in the same order, so a training loop whose graph has the same
// shapes every step allocates no tensor storage after its first step. Values
// and gradients of a step's Vars are valid until the next Reset.
//
// # NaN in a loss
//
// Backward returns an error wrapping ErrNonFinite, and leaves every gradient
// buffer untouched, when the loss value is NaN or ±Inf. A caller can also
// test the loss itself with math.IsNaN(float64(loss.Value.Item())). NaN in
// intermediate values that cancel out of a finite loss is not detected.
//
// # Layout and conventions
//
// Images are NHWC, [n, height, width, channels], row-major. Linear weights
// are [in, out] so that y = x·W + b. Conv2D weights are [kh, kw, cin, cout]
// and ConvTranspose2D weights [kh, kw, cout, cin], TensorFlow's layouts.
// Padding{Same: true} is TensorFlow's "SAME" padding; for 4×4 kernels with
// stride 2 it equals PyTorch's padding 1.
//
// Shape mismatches are programmer errors and panic with a message that names
// both shapes.
//
// # Determinism
//
// Convolutions split the batch into at most eight groups, a number that does
// not depend on the cores, and add the per-group weight gradients in group
// order. Matrix products split their rows into fixed blocks. Repeated runs
// are therefore bit-identical for a fixed BLAS backend and BLAS thread count,
// whatever tensor.Workers() is.
//
// On amd64 CPUs with AVX2, the element-wise loops of the convolutions and
// of SigmoidCrossEntropySum run in assembly. The assembly performs the same
// float32 operations in the same order as the Go loops that other CPUs run,
// so amd64 CPUs with and without AVX2 give the same bits when their BLAS
// kernels do. NaN results are the exception: their sign and payload may
// differ.
package autodiff
