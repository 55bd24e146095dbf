#!/usr/bin/env bash
# Regenerates the configuration table in README.md from the zod schema (between the markers).
set -euo pipefail
cd "$(dirname "$0")/.."
table=$(IDV_FROM_SOURCE=1 node bin/idv.js config docs)
node -e '
const fs = require("fs");
const [start, end] = ["<!-- config-table -->", "<!-- /config-table -->"];
let s = fs.readFileSync("README.md", "utf8");
const i = s.indexOf(start);
if (i < 0) throw new Error("marker missing");
const j = s.indexOf(end, i);
const tail = j < 0 ? s.slice(i + start.length) : s.slice(j + end.length);
s = s.slice(0, i) + start + "\n" + process.argv[1] + "\n" + end + tail;
fs.writeFileSync("README.md", s);
' "$table"
