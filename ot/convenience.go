package ot

// GromovWasserstein solves entropic GW between the point clouds x ([n, p])
// and y ([m, q]) with uniform weights, the given cost on both sides, no
// normalisation and the defaults of EntropicGW (relative ε = 0.01·mean(Cx)·
// mean(Cy), product-plan start). Use PointCloud, QuadraticProblem and
// EntropicGW or ExactGW directly for other settings.
func GromovWasserstein(x, y *Matrix, cost Cost) (*GWResult, error) {
	gx, err := NewPointCloud(x, cost, NormalizeNone)
	if err != nil {
		return nil, err
	}
	gy, err := NewPointCloud(y, cost, NormalizeNone)
	if err != nil {
		return nil, err
	}
	q, err := NewQuadraticProblem(gx, gy, nil, nil)
	if err != nil {
		return nil, err
	}
	return EntropicGW{}.Solve(q)
}
