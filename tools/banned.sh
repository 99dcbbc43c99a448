#!/bin/sh
# Fail if a banned C function appears in our sources (STYLE.md).
if grep -nE '\b(sprintf|strcpy|strcat|strtok|atoi|gets|vsprintf)\s*\(' decoders/*.c dissector/*.c tools/*.c 2>/dev/null; then
	echo "banned function used (see STYLE.md)" >&2
	exit 1
fi
exit 0
