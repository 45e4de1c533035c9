package metrics

// Value is one number of a metric's result, named as in disentanglement_lib's
// result files (e.g. metric "dci", name "disentanglement").
type Value struct {
	Metric, Name string
	Value        float64
	// Headline marks the numbers that training summaries print: the
	// evaluation accuracies, the test-split informativeness and
	// explicitness, the normalised Wasserstein correlation and every score
	// without a split.
	Headline bool
}

// Values lists the numbers of every computed metric in evaluation order:
// BetaVAE, FactorVAE, MIG, SAP, DCI, modularity and explicitness, the
// unsupervised scores and IRS.
func (s *Scores) Values() []Value {
	var rows []Value
	add := func(metric, name string, v float64, headline bool) {
		rows = append(rows, Value{Metric: metric, Name: name, Value: v, Headline: headline})
	}

	if s.BetaVAE != nil {
		add("beta_vae", "eval_accuracy", s.BetaVAE.EvalAccuracy, true)
	}
	if s.FactorVAE != nil {
		add("factor_vae", "eval_accuracy", s.FactorVAE.EvalAccuracy, true)
	}
	if s.MIG != nil {
		add("mig", "discrete_mig", s.MIG.Score, true)
	}
	if s.SAP != nil {
		add("sap", "SAP_score", s.SAP.Score, true)
	}
	if s.DCI != nil {
		add("dci", "disentanglement", s.DCI.Disentanglement, true)
		add("dci", "completeness", s.DCI.Completeness, true)
		add("dci", "informativeness_train", s.DCI.InformativenessTrain, false)
		add("dci", "informativeness_test", s.DCI.InformativenessTest, true)
	}
	if s.Modularity != nil {
		add("modularity", "modularity_score", s.Modularity.Modularity, true)
		add("modularity", "explicitness_score_train", s.Modularity.ExplicitnessTrain, false)
		add("modularity", "explicitness_score_test", s.Modularity.ExplicitnessTest, true)
	}
	if s.Unsupervised != nil {
		add("unsupervised", "gaussian_total_correlation", s.Unsupervised.GaussianTotalCorrelation, true)
		add("unsupervised", "gaussian_wasserstein_correlation", s.Unsupervised.GaussianWassersteinCorrelation, false)
		add("unsupervised", "gaussian_wasserstein_correlation_norm", s.Unsupervised.GaussianWassersteinCorrelationNorm, true)
		add("unsupervised", "mutual_info_score", s.Unsupervised.MutualInfoScore, true)
	}
	if s.IRS != nil {
		add("irs", "IRS", s.IRS.Score, true)
	}
	return rows
}

// HeadlineValues returns the Values marked Headline.
func (s *Scores) HeadlineValues() []Value {
	var rows []Value
	for _, v := range s.Values() {
		if v.Headline {
			rows = append(rows, v)
		}
	}
	return rows
}
