"""What both halves of scripts/browser share: a headless Chromium on the page, and a choice
in a <select> that survives the page redrawing it."""

import os
import time

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait


def open_browser():
    """Headless Chromium with Debian's driver (so Selenium does not go looking for one on the
    network), and a 30 s wait."""
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    for binary in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.path.exists(binary):
            options.binary_location = binary
    browser = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    return browser, WebDriverWait(browser, 30)


def choose(wait, element_id, value):
    # The page redraws the product list on every poll (keeping the choice), so an option
    # found a moment ago can be gone: choose again, as a user's second click would.
    for _ in range(20):
        try:
            Select(wait.until(lambda b: b.find_element(By.ID, element_id))).select_by_value(value)
            return
        except StaleElementReferenceException:
            time.sleep(0.05)
    raise RuntimeError(f"#{element_id} kept changing under the choice of {value!r}")
