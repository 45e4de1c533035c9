// Package experiment stores training runs of package vae in directories and
// drives them. It creates a run from a Config and trains it with logs,
// checkpoints and evaluations. It resumes a run bit for bit after an
// interruption or a crash, and writes its scores and a summary.
//
// # Run directory
//
//	config.json            the run's Config (dataset, model, budget, evaluation counts)
//	log.jsonl              one JSON object per logged step: step, time_s,
//	                       steps_per_s, then the loss terms by name
//	checkpoints/           the latest checkpoint (package nn's safetensors and
//	                       JSON files) and latest.json, which names it
//	metrics.json           the final Evaluation
//	evals/step-N.json      evaluations taken during training
//	summary.md             settings, last loss terms, headline scores, figures
//	loss.png, reconstructions.png, traversal.png
//	                       figures, drawn by the caller
//
// A checkpoint is committed by rewriting latest.json after all its files are
// written, and the previous checkpoint's files are removed only after that,
// so a run killed at any moment (SIGKILL included) has a complete checkpoint
// to resume from. Open restores it and drops the log lines written after it,
// and training then repeats the lost steps exactly: the trainer's state
// includes its random streams and optimiser moments. Resuming with another
// BLAS backend than the one that saved the checkpoint works but changes the
// last bits; Open logs a warning then.
//
// The package never prints. Progress goes to the TrainOptions callbacks and
// events to the caller's *slog.Logger.
package experiment
