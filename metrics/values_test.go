package metrics

import "testing"

func TestValuesOrderAndHeadline(t *testing.T) {
	s := &Scores{
		MIG: &MIGResult{Score: 0.5},
		DCI: &DCIResult{Disentanglement: 0.1, Completeness: 0.2, InformativenessTrain: 0.9, InformativenessTest: 0.8},
	}
	got := s.Values()
	want := []string{"discrete_mig", "disentanglement", "completeness", "informativeness_train", "informativeness_test"}
	if len(got) != len(want) {
		t.Fatalf("%d values, want %d", len(got), len(want))
	}
	for i, v := range got {
		if v.Name != want[i] {
			t.Errorf("value %d is %s, want %s", i, v.Name, want[i])
		}
	}
	head := s.HeadlineValues()
	if len(head) != 4 {
		t.Fatalf("%d headline values, want 4 (all but informativeness_train)", len(head))
	}
	for _, v := range head {
		if v.Name == "informativeness_train" {
			t.Error("informativeness_train is marked headline")
		}
	}
	if head[3].Value != 0.8 {
		t.Errorf("informativeness_test = %v, want 0.8", head[3].Value)
	}
}
