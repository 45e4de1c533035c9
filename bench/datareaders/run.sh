#!/bin/sh
# Times gmg's readers on the files of make_files.py: gmg data show opens the
# dataset (reading, indexing and, for SmallNORB and Cars3D, resizing every
# image) and observes one grid of images.
#
# Usage: bench/datareaders/run.sh DIR   (from the repository root)
set -e
dir=$1
go build -o /tmp/gmg-bench ./cmd/gmg
for name in dsprites shapes3d smallnorb cars3d; do
	/usr/bin/time -f "$name: %e s wall, %U s user, %M KB max RSS" \
		/tmp/gmg-bench data show --dataset "$name" --data-dir "$dir" --out "$dir/$name.png" >/dev/null
done
