from django.shortcuts import render


def placeholder(request):
    return render(request, "placeholder.html", {"title": request.resolver_match.app_name.title()})
