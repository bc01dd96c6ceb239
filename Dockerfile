# Tradewire's Airflow image: the official Airflow image plus the project's locked dependencies and the
# tradewire package. docker-compose.yaml builds it as tradewire-airflow:latest.
#
# The tag below must name the same Airflow version as the apache-airflow pin in requirements.lock, and the
# Python version the lock was resolved for (3.11); tests/deploy/test_compose.py fails when they drift.
FROM apache/airflow:3.3.2-python3.11

# The official image already runs as `airflow` (uid 50000, gid 0); say so explicitly, because packages
# must be installed as this user (into its environment under /home/airflow/.local), never as root.
USER airflow

# 1. Dependencies, in their own layer so that editing the code does not reinstall them.
#    The lock pins apache-airflow==3.3.2 itself; passing "apache-airflow==${AIRFLOW_VERSION}" (set by the
#    base image) as well makes pip refuse to build if the lock and the base image ever disagree, instead of
#    silently swapping the image's Airflow for another version. No --constraint: the lock is the constraint.
COPY requirements.lock /requirements.lock
RUN pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" -r /requirements.lock

# 2. The tradewire package, installed *editable* from /opt/airflow (pyproject.toml there, sources in
#    /opt/airflow/include/tradewire). setuptools' editable install for this layout is a plain .pth entry
#    pointing at /opt/airflow/include, so Python imports tradewire from that folder at run time: the copy
#    baked in here serves when the image runs alone, and when docker-compose.yaml bind-mounts ./include over
#    /opt/airflow/include the mounted code is the code that runs (live edits, no rebuild). A regular
#    `pip install --no-deps .` would freeze a copy into site-packages and shadow the mount.
#    include/ is owned by airflow because the editable build writes its egg-info there.
COPY --chown=airflow:0 pyproject.toml /opt/airflow/pyproject.toml
COPY --chown=airflow:0 include/ /opt/airflow/include/
RUN pip install --no-cache-dir --no-deps -e /opt/airflow

# Warehouse, snapshot, staging and archive live here (a volume in docker-compose.yaml). Group-writable
# (gid 0) so that the container also works under another AIRFLOW_UID, as the official image intends.
ENV TRADEWIRE_HOME=/opt/airflow/data \
    GX_ANALYTICS_ENABLED=False
RUN umask 0002 && mkdir -p /opt/airflow/data/serving
