package data

// The factor grids of the four benchmarks, in the order of the published files
// (disentanglement_lib's order for SmallNORB and Cars3D). Procedural generators
// and file readers share them, so a model trained on one source can be scored on
// the other.
var (
	// dspritesFactors omits the published file's constant colour factor.
	dspritesFactors = []Factor{
		{Name: "shape", Size: 3},
		{Name: "scale", Size: 6},
		{Name: "orientation", Size: 40},
		{Name: "pos_x", Size: 32},
		{Name: "pos_y", Size: 32},
	}
	shapes3DFactors = []Factor{
		{Name: "floor_hue", Size: 10},
		{Name: "wall_hue", Size: 10},
		{Name: "object_hue", Size: 10},
		{Name: "scale", Size: 8},
		{Name: "shape", Size: 4},
		{Name: "orientation", Size: 15},
	}
	// smallNORBFactors leaves out the instance, a nuisance drawn at random.
	smallNORBFactors = []Factor{
		{Name: "category", Size: 5},
		{Name: "elevation", Size: 9},
		{Name: "azimuth", Size: 18},
		{Name: "lighting", Size: 6},
	}
	cars3DFactors = []Factor{
		{Name: "elevation", Size: 4},
		{Name: "azimuth", Size: 24},
		{Name: "object", Size: 183},
	}
)

// factorsCopy returns a copy of fs so that callers cannot modify the shared grids.
func factorsCopy(fs []Factor) []Factor { return append([]Factor(nil), fs...) }
