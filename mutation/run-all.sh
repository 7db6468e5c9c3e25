#!/usr/bin/env bash
# Mutation testing of every core module, one after the other, each with the tests that exercise it
# (see docs/mutation.md). The eight first modules took 12 minutes on a shared 2-core machine; validate/tables.py
# alone takes about 15 more (its hypothesis test runs frictionless). The scores land in mutation/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
run=mutation/run.sh
$run importing/corrections.py tests/test_correction_rules.py tests/test_rules.py
$run importing/rules.py tests/test_correction_rules.py tests/test_rules.py
MUTATION_K="not pre_commit" $run validate/checks.py tests/test_check_codes.py tests/test_validate.py tests/test_validate_stream.py
$run validate/tables.py tests/test_validate_tables.py tests/test_validate_stream.py tests/test_check_codes.py
MUTATION_K="not cli" $run diff/compare.py tests/test_diff_semantics.py tests/test_version_policy.py tests/test_escaping.py tests/test_diff_stream.py
# core/kinds.py without test_one_definition.py, which reads the sources under tools/ that the staging folder does not hold
MUTATION_K="not cli" $run core/kinds.py tests/test_version_policy.py tests/test_diff_semantics.py
MUTATION_K="not cli" $run diff/inline.py tests/test_diff_semantics.py tests/test_diff_properties.py
MUTATION_K="not cli" $run diff/resemblance.py tests/test_diff_semantics.py tests/test_diff_properties.py
MUTATION_K="not chromium" $run diff/render_html.py tests/test_escaping.py tests/test_diff_html.py
$run diff/render_markdown.py tests/test_escaping.py tests/test_diff_cli.py
# what issues 18 and 19 moved into core/: the Markdown escaper, the similarity and the punctuation rule
$run core/markdown.py tests/test_escaping.py tests/test_security_outputs.py
MUTATION_K="not cli and not readme" $run core/similarity.py tests/test_diff_semantics.py tests/test_diff_properties.py tests/test_import_next_edition.py
$run core/punctuation.py tests/test_correction_rules.py tests/test_rules.py tests/test_check_codes.py
