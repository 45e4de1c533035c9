// Package render is a small ray caster of analytic primitives for the
// procedural 3-D datasets (Shapes3D and the SmallNORB and Cars3D stand-ins).
//
// A Scene holds shapes (spheres, ellipsoids, axis-aligned boxes, capped
// cylinders, capsules and rectangles), directional lights, an ambient term and
// a pinhole camera. Render casts one ray per sample through each pixel, shades
// the nearest hit with Lambert's cosine law, casts a shadow ray towards every
// light, and writes the image as float32 values quantised to 8-bit levels
// (k/255), the value set of the published datasets' uint8 images.
//
// Coordinates are right-handed with Y up; angles are in radians; colours are
// linear RGB albedos in [0, 1]. Output is gamma-encoded with exponent 1/2
// (a square root) before quantisation.
//
// Rendering is deterministic: it draws no random numbers and its arithmetic
// uses only IEEE operations and Go's math package. NOTE: the Go compiler may
// fuse multiply-adds on arm64, ppc64le, s390x and riscv64, so a pixel near a
// quantisation boundary can differ by one level between those and amd64.
package render
