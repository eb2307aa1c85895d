#!/usr/bin/env bash
# The bad-input table, run against the release binary in a sandbox working folder (issue 19):
# every command that writes is given outputs it must refuse — empty names, the working folder, its
# parents, the home folder, /, folders ParsGuide did not write, links, FIFOs and devices. Each must exit
# 1–125 (an error, not a signal), print a message naming the flag, and leave the sandbox as it was.
#
# Usage: scripts/check-bad-inputs.sh   (builds the release binary when missing)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/.build/release/parsguide
[ -x "$bin" ] || swift build -c release --product parsguide >/dev/null

sandbox=$(mktemp -d)
trap 'rm -rf "$sandbox"' EXIT
cd "$sandbox"
echo precious > sentinel.txt
echo precious > sentinel.nii
mkdir foreign && echo precious > foreign/keep.txt
ln -s sentinel.txt link.png
mkfifo fifo.png
ln -s sentinel.txt link.nii
mkfifo fifo.nii
printf 'SQLite format 3\0' > parsguide.sqlite
# The sandbox's state: every entry's path, type, size, mode and link target, and every regular file's bytes.
state() { find . -printf '%p %y %s %m %l\n' | sort; find . -type f -exec sha256sum {} + | sort; }
before=$(state | sha256sum)

passed=0 failed=0
# expect NAME EXPECTED_TEXT -- ARGS...: the command must fail with 1–125 and print EXPECTED_TEXT.
expect() {
  local name=$1 text=$2; shift 3
  local out rc
  out=$(timeout 120 "$bin" "$@" 2>&1 </dev/null); rc=$?
  if [ "$rc" -ge 1 ] && [ "$rc" -le 125 ] && grep -qF -- "$text" <<<"$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: exit $rc, expected '$text' in: $(head -c 400 <<<"$out")"
  fi
}

folder_commands=(
  "phantom --voxel-mm 2"
  "case --voxel-mm 2"
  "insert --subject nowhere --plan nowhere.json"
  "inject --subject nowhere --plan nowhere.json"
  "confirm --subject nowhere --plan nowhere.json"
  "registry export-csv --db nowhere.sqlite"
)
for c in "${folder_commands[@]}"; do
  read -r -a args <<<"$c"
  expect "$c --out ''" "--out is empty" -- "${args[@]}" --out ""
  expect "$c --out ' '" "--out is empty" -- "${args[@]}" --out " "
  expect "$c --out ." "working folder" -- "${args[@]}" --out . --force
  expect "$c --out \$PWD" "working folder" -- "${args[@]}" --out "$PWD" --force
  expect "$c --out .." "parent of the working folder" -- "${args[@]}" --out .. --force
  expect "$c --out /" "root folder" -- "${args[@]}" --out / --force
  expect "$c --out \$HOME" "home folder" -- "${args[@]}" --out "$HOME" --force
  expect "$c --out foreign" "ParsGuide did not write it" -- "${args[@]}" --out foreign --force
  expect "$c --out link.png" "symbolic link" -- "${args[@]}" --out link.png --force
  expect "$c --out fifo.png" "FIFO" -- "${args[@]}" --out fifo.png --force
done

png_commands=(
  "slice --subject nowhere --plane axial --at-mm 0"
  "ultrasound --phantom point --depth-mm 50"
  "fluoro --ct nowhere.nii --view ap"
  "illustrate --subject nowhere --fluoro-view ap"
)
for c in "${png_commands[@]}"; do
  read -r -a args <<<"$c"
  expect "$c --out ''" "--out is empty" -- "${args[@]}" --out ""
  expect "$c --out link.png" "symbolic link" -- "${args[@]}" --out link.png
  expect "$c --out fifo.png" "FIFO" -- "${args[@]}" --out fifo.png
  expect "$c --out /dev/null" "device" -- "${args[@]}" --out /dev/null
  expect "$c --out parsguide.sqlite" "not a PNG image" -- "${args[@]}" --out parsguide.sqlite
  expect "$c --out sentinel.txt" "not a PNG image" -- "${args[@]}" --out sentinel.txt
  expect "$c --out foreign" "a folder" -- "${args[@]}" --out foreign
  expect "$c --out missing/x.png" "does not exist" -- "${args[@]}" --out missing/x.png
done
expect "ultrasound --noise-floor-db=-5" "noise floor -5" -- ultrasound --phantom point --depth-mm 50 --noise-floor-db=-5 --out new.png
expect "ultrasound --noise-floor-db nan" "noise floor nan" -- ultrasound --phantom point --depth-mm 50 --noise-floor-db nan --out new.png
expect "ultrasound --noise-floor-db abc" "'abc' is not a number" -- ultrasound --phantom point --depth-mm 50 --noise-floor-db abc --out new.png
expect "ultrasound --display fancy" "unknown display 'fancy'" -- ultrasound --phantom point --depth-mm 50 --display fancy --out new.png
expect "ultrasound --size 12x512" "image side 12 px is out of range: allowed 16–4096 px" -- ultrasound --phantom point --depth-mm 50 --size 12x512 --out new.png
expect "ultrasound --size abc" "image size 'abc' is not N or WIDTHxHEIGHT" -- ultrasound --phantom point --depth-mm 50 --size abc --out new.png
expect "fluoro --size 640x480" "--size 640x480 is not square" -- fluoro --ct sentinel.nii --view ap --size 640x480 --out new.png
# DICOM conversion: refused outputs, and folders that are not one readable series.
dicom=$root/../shared/data/pydicom-ct5n fixtures=$root/Tests/DICOMTests/Fixtures example=$root/../shared/data/totalsegmentator-example
expect "convert --out ''" "--out is empty" -- convert --dicom "$dicom" --out ""
expect "convert --out link.nii" "symbolic link" -- convert --dicom "$dicom" --out link.nii
expect "convert --out fifo.nii" "FIFO" -- convert --dicom "$dicom" --out fifo.nii
expect "convert --out /dev/null" "device" -- convert --dicom "$dicom" --out /dev/null
expect "convert --out sentinel.txt" "not a NIfTI volume" -- convert --dicom "$dicom" --out sentinel.txt
expect "convert --out x.png" "must end in .nii" -- convert --dicom "$dicom" --out x.png
expect "convert --out sentinel.nii" "not a NIfTI volume" -- convert --dicom "$dicom" --out sentinel.nii
expect "convert --dicom nowhere" "no such folder" -- convert --dicom nowhere --out new.nii
expect "convert --dicom foreign" "holds no DICOM image" -- convert --dicom foreign --out new.nii
expect "convert two series" "choose one with --series" -- convert --dicom "$fixtures/two-series" --out new.nii
expect "convert --series unknown" "no series '9.9'" -- convert --dicom "$fixtures/two-series" --series 9.9 --out new.nii
expect "convert tilted" "gantry tilted 15" -- convert --dicom "$fixtures/tilted" --out new.nii
expect "plan --out sentinel.txt" "not a JSON document" -- plan --subject nowhere --target L5-left --out sentinel.txt
expect "registry summary --svg sentinel.txt" "not an SVG drawing" -- registry summary --db nowhere.sqlite --svg sentinel.txt
expect "subject --out ''" "--out is empty" -- subject --ct "$example/ct.nii.gz" --masks "$example/masks" --out ""
expect "subject --out foreign" "foreign" -- subject --ct "$example/ct.nii.gz" --masks "$example/masks" --out foreign
expect "subject --out . --force" "working folder" -- subject --ct "$example/ct.nii.gz" --masks "$example/masks" --out . --force
expect "subject --voxel-mm 0.1" "0.2–2" -- subject --ct "$example/ct.nii.gz" --masks "$example/masks" --out new-subject --voxel-mm 0.1
expect "subject --voxel-mm nan" "voxel" -- subject --ct "$example/ct.nii.gz" --masks "$example/masks" --out new-subject --voxel-mm nan
expect "subject --defects L6-left" "L6" -- subject --ct "$example/ct.nii.gz" --masks "$example/masks" --out new-subject --defects L6-left
expect "subject --ct nowhere" "nowhere" -- subject --ct nowhere.nii.gz --masks "$example/masks" --out new-subject
expect "subject --masks nowhere" "nowhere" -- subject --ct "$example/ct.nii.gz" --masks nowhere --out new-subject
expect "subject --masks foreign" "none of TotalSegmentator" -- subject --ct "$example/ct.nii.gz" --masks foreign --out new-subject
expect "subject --ct sentinel.nii" "sentinel.nii" -- subject --ct sentinel.nii --masks "$example/masks" --out new-subject
expect "subject no lumbar vertebra" "no lumbar vertebra" -- subject --ct "$example/dicom" --masks "$example/dicom-seg.nii.gz" --classes "$example/dicom-seg-classes.json" --out new-subject
expect "subject masks of another scan" "do not overlap" -- subject --ct "$example/dicom" --masks "$example/masks" --out new-subject
expect "subject multilabel without classes" "--classes" -- subject --ct "$example/ct.nii.gz" --masks "$example/dicom-seg.nii.gz" --out new-subject
expect "subject --series on a file" "not a folder" -- subject --ct "$example/ct.nii.gz" --series 1.2 --masks "$example/masks" --out new-subject
expect "export-slicer --out ''" "--out is empty" -- export-slicer --subject nowhere --out ""
expect "export-slicer --out foreign" "foreign" -- export-slicer --subject nowhere --out foreign
expect "export-slicer --subject nowhere" "nowhere" -- export-slicer --subject nowhere --out new-slicer
expect "export-slicer --subject foreign" "not a subject folder" -- export-slicer --subject foreign --out new-slicer
expect "registry list --db parsguide.sqlite" "parsguide.sqlite" -- registry list --db parsguide.sqlite
expect "registry list --db ''" "--db is empty" -- registry list --db ""
expect "case --db sentinel.txt" "sentinel.txt" -- case --out new-case --db sentinel.txt --voxel-mm 2
expect "case --subject nowhere" "nowhere is not a subject folder" -- case --out new-case --subject nowhere
expect "case --subject foreign" "not a subject folder" -- case --out new-case --subject foreign
expect "case --subject with --height-cm" "--height-cm" -- case --out new-case --subject foreign --height-cm 180
expect "case --subject with --db" "--db" -- case --out new-case --subject foreign --db new.sqlite

after=$(state | sha256sum)
if [ "$before" != "$after" ] || [ "$(cat sentinel.txt)" != precious ] || [ "$(cat foreign/keep.txt)" != precious ]; then
  failed=$((failed + 1))
  echo "FAIL the sandbox changed:"; ls -laR .
fi
echo "bad inputs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
