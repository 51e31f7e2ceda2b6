"""Example workflows (.ows) listed under Help > Examples in Orange's canvas."""
