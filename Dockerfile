# One image for the API and the worker; the command picks the role. The sandbox is not in it
# (sandbox/ is its own distribution, for development and tests; see .dockerignore).
FROM python:3.11-slim
WORKDIR /app
# Production by default: the API, worker and bootstrap refuse to start on development settings
# (default or short secrets, cookies without Secure, the sandbox's URLs, demo users; core/production.py).
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 RENUBU_ENV=production
COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN pip install --no-cache-dir --no-deps -e . && python devstack/vendor.py
RUN useradd --create-home renubu && chown -R renubu /app
USER renubu
EXPOSE 8000 9400 9401
CMD ["uvicorn", "api.app:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000"]
