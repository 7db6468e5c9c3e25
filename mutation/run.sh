#!/usr/bin/env bash
# Mutation testing of one core module with the tests that exercise it (see docs/mutation.md).
#
#   mutation/run.sh MODULE TEST...      e.g. mutation/run.sh diff/inline.py tests/test_diff_semantics.py
#   MUTATION_K="not cli" mutation/run.sh validate/checks.py tests/test_check_codes.py   (a pytest -k filter)
#
# mutmut 3 names a mutated function by its file's path, and expects the package at the root of
# the project (or in src/); ours is tools/dutylist. So the run happens in a staging folder,
# mutation/stage/, holding a copy of the package as dutylist/ and of everything the tests read.
# The repository itself is never mutated. One worker, niced: the machine is shared.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ $# -ge 2 ] || { echo "usage: mutation/run.sh MODULE TEST...  (MODULE relative to tools/dutylist)" >&2; exit 2; }
MODULE=$1
shift
MUTMUT=${MUTMUT:-$ROOT/.venv/bin/mutmut}
STAGE=$ROOT/mutation/stage
rm -rf "$STAGE"
mkdir -p "$STAGE"
cp -r tools/dutylist "$STAGE/dutylist"
cp -r tests data schemas sources changelog datapackage.json README.md "$STAGE/"
find "$STAGE" -name __pycache__ -prune -exec rm -rf {} +
{
  echo "[mutmut]"
  echo "source_paths = dutylist"
  echo "only_mutate = dutylist/$MODULE"
  echo "also_copy ="
  for f in data schemas sources changelog datapackage.json README.md; do echo "    $f"; done
  echo "pytest_add_cli_args_test_selection ="
  for t in "$@"; do echo "    $t"; done
  echo "pytest_add_cli_args ="
  echo "    -p"
  echo "    no:cacheprovider"
  if [ -n "${MUTATION_K:-}" ]; then echo "    -k"; echo "    $MUTATION_K"; fi
  echo "mutate_only_covered_lines = false"
} > "$STAGE/setup.cfg"
cd "$STAGE"
export DUTYLIST_MUTATION=1  # tests/conftest.py: hypothesis does not shrink failing examples
nice -n 10 "$MUTMUT" run --max-children 1
# the score, and the diff of every mutant that was not killed, in mutation/results/<module>.txt
RESULT=$ROOT/mutation/results/$(echo "$MODULE" | tr / - | sed 's/\.py$//').txt
mkdir -p "$(dirname "$RESULT")"
{
  echo "# mutation/run.sh $MODULE $*${MUTATION_K:+ (MUTATION_K=\"$MUTATION_K\")}"
  echo "# mutmut $("$MUTMUT" --version 2>/dev/null | awk '{print $NF}'), $(date -u +%Y-%m-%dT%H:%MZ)"
  "$MUTMUT" results --all true | awk '{print $NF}' | sort | uniq -c
  # mutants no selected test reaches are listed by name only
  "$MUTMUT" results 2>/dev/null | grep -v ": survived" || true
  for name in $("$MUTMUT" results 2>/dev/null | grep ": survived" | awk -F: '{print $1}'); do
    "$MUTMUT" show "$name" || true
  done
} > "$RESULT"
head -12 "$RESULT"
