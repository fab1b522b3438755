"""The assessment pages (`assessments`) and the pages that read every app beside a score (`risk`)."""
