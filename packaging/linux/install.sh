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
# Exec quotes the path as the Desktop Entry specification says: \ " ` $ escaped inside
# the quotes, and % doubled.
exec_path=$(printf '%s' "$target/piel-desktop" | sed -e 's/[\\"`$]/\\&/g' -e 's/%/%%/g')
{
  grep -v '^Exec=' "$here/piel-desktop.desktop"
  printf 'Exec="%s" %%f\n' "$exec_path"
} > "$data/applications/piel-desktop.desktop"
echo "Installed in $target; start it from the menu or with: piel-desktop"
case ":$PATH:" in
  *":$HOME/.local/bin:"*) ;;
  *) echo "($HOME/.local/bin is not on your PATH: start it with $HOME/.local/bin/piel-desktop)" ;;
esac
echo "To remove it: rm -r \"$target\" \"$HOME/.local/bin/piel-desktop\" \"$data/applications/piel-desktop.desktop\""
