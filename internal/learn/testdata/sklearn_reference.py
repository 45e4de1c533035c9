"""Writes the scikit-learn reference results that the learn package's tests compare against.

Run from this directory with Debian bookworm's /usr/bin/python3 (numpy 1.24.2,
scikit-learn 1.2.1):  /usr/bin/python3 sklearn_reference.py
Each case is one .npz file holding its inputs and scikit-learn's outputs.
"""
import numpy as np
import sklearn
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

assert sklearn.__version__ == "1.2.1", sklearn.__version__
rng = np.random.RandomState(7)


def blobs(n, d, labels, spread):
    """Noisy class clusters: class j centred at a random point, unit noise times spread."""
    centres = rng.uniform(-2, 2, size=(len(labels), d))
    y = rng.choice(labels, size=n)
    x = np.array([centres[labels.index(v)] for v in y]) + spread * rng.standard_normal((n, d))
    return x, y.astype(np.int64)


def gbt_case(name, n_train, n_test, d, labels, spread, n_estimators):
    x, y = blobs(n_train + n_test, d, labels, spread)
    model = GradientBoostingClassifier(n_estimators=n_estimators, random_state=0)
    model.fit(x[:n_train], y[:n_train])
    np.savez(name, x_train=x[:n_train], y_train=y[:n_train], x_test=x[n_train:], y_test=y[n_train:],
             importances=model.feature_importances_,
             predict_train=model.predict(x[:n_train]), predict_test=model.predict(x[n_train:]),
             proba_test=model.predict_proba(x[n_train:]),
             n_estimators=np.array(n_estimators))


def svc_case(name, n_train, n_test, d, labels, spread):
    x, y = blobs(n_train + n_test, d, labels, spread)
    model = LinearSVC(C=0.01, class_weight="balanced", random_state=0)
    model.fit(x[:n_train], y[:n_train])
    np.savez(name, x_train=x[:n_train], y_train=y[:n_train], x_test=x[n_train:],
             coef=model.coef_, intercept=model.intercept_,
             predict_test=model.predict(x[n_train:]))


def logistic_case(name, n_train, n_test, d, labels, spread):
    x, y = blobs(n_train + n_test, d, labels, spread)
    model = LogisticRegression()
    model.fit(x[:n_train], y[:n_train])
    np.savez(name, x_train=x[:n_train], y_train=y[:n_train], x_test=x[n_train:],
             coef=model.coef_, intercept=model.intercept_, n_iter=model.n_iter_,
             proba_test=model.predict_proba(x[n_train:]), predict_test=model.predict(x[n_train:]))


# Ten stages: few enough that no two splits of one node tie up to rounding,
# so results should agree to rounding. Over 100 stages, trees start to isolate
# single samples, and two features that isolate the same sample give splits of
# equal quality. The winner then depends on rounding.
gbt_case("gbt_binary_10.npz", 200, 100, 3, [3, 7], 1.5, 10)
gbt_case("gbt_multiclass_10.npz", 300, 100, 4, [0, 1, 2, 5], 1.2, 10)
gbt_case("gbt_binary.npz", 200, 100, 3, [3, 7], 1.5, 100)
gbt_case("gbt_multiclass.npz", 300, 100, 4, [0, 1, 2, 5], 1.2, 100)
# Integer-valued features with many repeated values, as discretised codes give.
x = rng.randint(0, 6, size=(250, 5)).astype(np.float64)
y = ((x[:, 0] + x[:, 2] + rng.randint(0, 3, 250)) % 3).astype(np.int64)
model = GradientBoostingClassifier(random_state=0).fit(x[:200], y[:200])
np.savez("gbt_ties.npz", x_train=x[:200], y_train=y[:200], x_test=x[200:], y_test=y[200:],
         importances=model.feature_importances_, predict_train=model.predict(x[:200]),
         predict_test=model.predict(x[200:]), proba_test=model.predict_proba(x[200:]),
         n_estimators=np.array(100))
svc_case("svc_binary.npz", 200, 100, 2, [0, 1], 1.0)
svc_case("svc_multiclass_1d.npz", 400, 200, 1, [0, 1, 2, 3, 4], 0.3)
logistic_case("logistic_binary.npz", 200, 100, 3, [0, 1], 1.5)
logistic_case("logistic_multiclass.npz", 300, 100, 4, [1, 2, 3, 4, 5], 1.0)
