// The files of the `sweep report` page, embedded in the binary at build time: plotly.js (from
// Debian's python3-plotly, minified with esbuild when it is installed) and the page's own
// script and style sheet (results/report/).
#pragma once

#include <string_view>

namespace sweep::results {

// plotly.js, and its version as its header names it (e.g. "2.6.3").
std::string_view plotly_js();
std::string_view plotly_version();
// results/report/errors.js: records errors before anything else runs.
std::string_view report_errors_js();
// results/report/report.js: draws the report from its JSON data.
std::string_view report_js();
// results/report/report.css.
std::string_view report_css();

}  // namespace sweep::results
