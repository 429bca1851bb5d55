// The self-contained HTML page of `sweep report`: plotly.js, the page's script and style and
// the report's data, all inline. A Content-Security-Policy lets the page load nothing from
// anywhere, so it opens offline and no request leaves it.
#pragma once

#include <string>

namespace sweep::results {

// The page for `json` (from report_json) with `title` (HTML-escaped here). Throws
// std::logic_error if an embedded script would end its <script> element early.
std::string report_html(const std::string& json, const std::string& title);

}  // namespace sweep::results
