#!/bin/sh
# Install PIeL Desktop for this user: the program in ~/.local/opt/piel-desktop, the
# command ~/.local/bin/piel-desktop, a menu entry and its icon. Run again to update.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target="$HOME/.local/opt/piel-desktop"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
mkdir -p "$HOME/.local/opt" "$HOME/.local/bin" "$data/applications" "$data/icons/hicolor/scalable/apps"
rm -rf "$target"
cp -R "$here/piel-desktop" "$target"
ln -sf "$target/piel-desktop" "$HOME/.local/bin/piel-desktop"
cp "$here/piel-desktop.svg" "$data/icons/hicolor/scalable/apps/"
sed "s|^Exec=.*|Exec=\"$target/piel-desktop\" %f|" "$here/piel-desktop.desktop" > "$data/applications/piel-desktop.desktop"
echo "Installed in $target; start it from the menu or with: piel-desktop"
