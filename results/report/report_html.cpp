#include "results/report/report_html.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string_view>

#include "results/report/report_assets.h"

namespace sweep::results {
namespace {

std::string escape_html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// `js` unchanged; throws when it holds "</script" (any case), which would end its element.
std::string_view checked_script(std::string_view js, const char* name) {
  std::string lower(js.size(), ' ');
  std::transform(js.begin(), js.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.find("</script") != std::string::npos) {
    throw std::logic_error(std::string(name) + " contains </script and cannot be inlined");
  }
  return js;
}

// JSON text safe inside <script>: every '<' (only ever inside JSON strings) as \u003c.
std::string script_safe_json(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string report_html(const std::string& json, const std::string& title) {
  std::string html;
  html.reserve(plotly_js().size() + json.size() + 65536);
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // Inline scripts and styles only; no request of any kind (fonts, images, fetch) leaves it.
  // 'unsafe-eval': plotly's WebGL layer (regl) compiles its draw calls with Function(); the
  // page's own data are read with JSON.parse, never evaluated.
  html +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; "
      "font-src data:\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<title>" + escape_html(title) + "</title>\n<script>\n";
  html += checked_script(report_errors_js(), "errors.js");
  html += "</script>\n<style>\n";
  html += report_css();
  html += "</style>\n<!-- plotly.js " + std::string(plotly_version()) +
          ", MIT license, Copyright 2012-2021 Plotly, Inc. (https://github.com/plotly/plotly.js) "
          "-->\n<script>\n";
  html += checked_script(plotly_js(), "plotly.js");
  html += "\n</script>\n</head>\n<body data-state=\"loading\">\n<main id=\"report\"></main>\n";
  html += "<script id=\"sweep-data\" type=\"application/json\">" + script_safe_json(json) +
          "</script>\n<script>\n";
  html += checked_script(report_js(), "report.js");
  html += "</script>\n</body>\n</html>\n";
  return html;
}

}  // namespace sweep::results
