"""The app's place in a desktop: icons made from the SVG, menu entries, bundles."""
