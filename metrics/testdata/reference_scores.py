"""Writes reference_scores.npz (codes and factors of a small synthetic
representation) and prints its scores, which reference_test.go lists.

The scores follow the metric definitions of disentanglement_lib (MIG, SAP,
DCI, modularity and explicitness, unsupervised scores, IRS) computed with
numpy 1.24.2, scipy 1.10.1 and scikit-learn 1.2.1 (Debian bookworm). Run from
this directory with /usr/bin/python3 reference_scores.py.
"""
import numpy as np
import scipy.linalg
import scipy.stats
import sklearn
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import mutual_info_score, roc_auc_score
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC

assert sklearn.__version__ == "1.2.1", sklearn.__version__
rng = np.random.RandomState(3)
NUM_TRAIN, NUM_TEST, BINS = 500, 250, 20
sizes = [3, 5, 4]
n = NUM_TRAIN + NUM_TEST
factors = np.stack([rng.randint(0, s, n) for s in sizes], axis=1)
scaled = (factors + rng.uniform(size=factors.shape)) / np.array(sizes)
mixing = np.eye(4, 3) + 0.3 * rng.standard_normal((4, 3))
codes = scaled @ mixing.T + 0.05 * rng.standard_normal((n, 4))
train_c, train_f = codes[:NUM_TRAIN].T, factors[:NUM_TRAIN].T  # [codes, n], [factors, n]
test_c, test_f = codes[NUM_TRAIN:].T, factors[NUM_TRAIN:].T


def binned(rows):
    return np.stack([np.digitize(r, np.histogram(r, BINS)[1][:-1]) for r in rows])


def mi_matrix(a, b):
    return np.array([[mutual_info_score(bj, ai) for bj in b] for ai in a])


scores = {}
mi = mi_matrix(binned(train_c), train_f)
entropy = np.array([mutual_info_score(f, f) for f in train_f])
top = np.sort(mi, axis=0)[::-1]
scores["mig"] = np.mean((top[0] - top[1]) / entropy)

sq = mi ** 2
best = sq.max(axis=1)
scores["modularity"] = np.mean(1 - (sq.sum(axis=1) - best) / (best * (sq.shape[1] - 1)))
mean, std = train_c.mean(axis=1), train_c.std(axis=1)
x_train = ((train_c.T - mean) / std)
x_test = ((test_c.T - mean) / std)
auc_train, auc_test = [], []
for y_train, y_test in zip(train_f, test_f):
    model = LogisticRegression().fit(x_train, y_train)
    auc_train.append(roc_auc_score(MultiLabelBinarizer().fit_transform(y_train[:, None]), model.predict_proba(x_train)))
    auc_test.append(roc_auc_score(MultiLabelBinarizer().fit_transform(y_test[:, None]), model.predict_proba(x_test)))
scores["explicitness_train"], scores["explicitness_test"] = np.mean(auc_train), np.mean(auc_test)

sap = np.zeros((4, 3))
sap_cont = np.zeros((4, 3))
for i in range(4):
    for j in range(3):
        model = LinearSVC(C=0.01, class_weight="balanced").fit(train_c[i][:, None], train_f[j])
        sap[i, j] = np.mean(model.predict(test_c[i][:, None]) == test_f[j])
        cov = np.cov(train_c[i], train_f[j], ddof=1)
        sap_cont[i, j] = cov[0, 1] ** 2 / (cov[0, 0] * cov[1, 1])
for name, m in (("sap", sap), ("sap_continuous", sap_cont)):
    s = np.sort(m, axis=0)
    scores[name] = np.mean(s[-1] - s[-2])

importance = np.zeros((4, 3))
acc_train, acc_test = [], []
for j in range(3):
    model = GradientBoostingClassifier(random_state=0).fit(train_c.T, train_f[j])
    importance[:, j] = np.abs(model.feature_importances_)
    acc_train.append(np.mean(model.predict(train_c.T) == train_f[j]))
    acc_test.append(np.mean(model.predict(test_c.T) == test_f[j]))
per_code = 1 - scipy.stats.entropy(importance.T + 1e-11, base=3)
per_factor = 1 - scipy.stats.entropy(importance + 1e-11, base=4)
scores["dci_disentanglement"] = np.sum(per_code * importance.sum(axis=1) / importance.sum())
scores["dci_completeness"] = np.sum(per_factor * importance.sum(axis=0) / importance.sum())
scores["dci_informativeness_train"], scores["dci_informativeness_test"] = np.mean(acc_train), np.mean(acc_test)

cov = np.cov(train_c)
scores["gaussian_total_correlation"] = 0.5 * (np.sum(np.log(np.diag(cov))) - np.linalg.slogdet(cov)[1])
wc = 2 * np.trace(cov) - 2 * np.trace(scipy.linalg.sqrtm(cov * np.diag(cov)[:, None]))
scores["gaussian_wasserstein_correlation"] = np.real(wc)
scores["gaussian_wasserstein_correlation_norm"] = np.real(wc) / np.trace(cov)
pairwise = mi_matrix(binned(train_c), binned(train_c))
np.fill_diagonal(pairwise, 0)
scores["mutual_info_score"] = pairwise.sum() / (4 * 4 - 4)

# IRS: factors binned like codes; per factor value, the 0.99 quantile of the
# codes' absolute deviations from their group mean, averaged over values.
groups = binned(train_f)
deviation_max = np.max(np.abs(train_c.T - train_c.T.mean(axis=0)), axis=0)
robustness = np.zeros((4, 3))
for j, g in enumerate(groups):
    values = np.unique(g)
    total = np.zeros(4)
    for v in values:
        members = train_c.T[g == v]
        total += np.quantile(np.abs(members - members.mean(axis=0)), 0.99, axis=0)
    robustness[:, j] = 1 - total / len(values) / deviation_max
scores["irs"] = np.average(robustness.max(axis=1), weights=deviation_max)

np.savez("reference_scores.npz", codes=codes, factors=factors.astype(np.int64))
for k in sorted(scores):
    print(k, repr(scores[k]))
